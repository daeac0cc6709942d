//! Secrets Allot hands out and keeps only as hashes: publishable intake keys
//! (`intake`) and personal access links (`links`). A secret is `<prefix><id>_<secret>`:
//! the id finds the row, the secret's SHA-256 must match the stored hash, so a leaked
//! table holds nothing usable.

/// Characters of a secret part (base62: about 143 bits).
pub const SECRET_CHARS: usize = 24;

/// A secret from random bytes (the edge draws them): base62, [`SECRET_CHARS`] long.
pub fn from_random(random: &[u8; SECRET_CHARS]) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    // 256 = 4 × 62 + 8: values of 248 and above favour the first eight characters a
    // little; over 143 bits that bias costs nothing.
    random.iter().map(|b| ALPHABET[usize::from(*b) % 62] as char).collect()
}

/// What is stored of a secret: its SHA-256, hex. The secret has ~143 random bits, so a
/// fast hash is enough: nobody can search that space.
#[cfg(feature = "token")]
pub fn hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `<prefix><id>_<secret>`: what the holder presents.
pub fn text(prefix: &str, id: &str, secret: &str) -> String {
    format!("{prefix}{id}_{secret}")
}

/// A presented secret split into its id and secret part, if it has the form.
pub fn parse<'a>(prefix: &str, text: &'a str) -> Option<(&'a str, &'a str)> {
    let rest = text.trim().strip_prefix(prefix)?;
    let (id, secret) = rest.split_once('_')?;
    let ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()) && secret.len() == SECRET_CHARS && secret.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some((id, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_parse_back_and_nothing_else_does() {
        let secret = from_random(&[255; SECRET_CHARS]);
        assert_eq!(secret.len(), SECRET_CHARS);
        let t = text("pl_", "k1a2b3", &secret);
        assert_eq!(parse("pl_", &t), Some(("k1a2b3", secret.as_str())));
        assert_eq!(parse("ik_", &t), None, "another kind of secret");
        assert_eq!(parse("pl_", "pl_k1_short"), None);
        assert_eq!(parse("pl_", "pl_k-1_aaaaaaaaaaaaaaaaaaaaaaaa"), None, "ids are alphanumeric");
    }
}
