//! Hostile spreadsheets, made on the spot (no fixtures in the repository): XLSX files
//! rebuilt by hand from a real workbook with one part replaced — a shared-string table
//! that inflates to hundreds of megabytes from one megabyte (a zip bomb: a deflate
//! stream of one letter repeated, written in fixed-Huffman codes), or one announcing a
//! billion strings — and the same workbook written back unchanged, to show the builder
//! itself makes files the importer reads.

use std::io::Read;

/// One part of a zip: its name, how it is stored, and what it unpacks to.
pub struct Part {
    pub name: String,
    /// 0 stored, 8 deflated.
    pub method: u16,
    pub data: Vec<u8>,
    pub crc32: u32,
    pub unpacked: u32,
}

impl Part {
    pub fn stored(name: &str, data: Vec<u8>) -> Part {
        Part { name: name.into(), method: 0, crc32: crc32fast::hash(&data), unpacked: data.len() as u32, data }
    }
}

/// The parts of a zip (every part read whole: only for files this module made or a
/// workbook rust_xlsxwriter wrote).
pub fn parts_of(zip_bytes: &[u8]) -> Vec<Part> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let name = file.name().expect("a name").to_string();
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("entry data");
            Part::stored(&name, data)
        })
        .collect()
}

/// A zip of `parts`, in order, with local headers, a central directory and its end record.
pub fn zip_of(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let le16 = |v: &mut Vec<u8>, n: u16| v.extend_from_slice(&n.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, n: u32| v.extend_from_slice(&n.to_le_bytes());
    for part in parts {
        let offset = out.len() as u32;
        le32(&mut out, 0x0403_4b50);
        le16(&mut out, 20);
        le16(&mut out, 0);
        le16(&mut out, part.method);
        le16(&mut out, 0);
        le16(&mut out, 0x21);
        le32(&mut out, part.crc32);
        le32(&mut out, part.data.len() as u32);
        le32(&mut out, part.unpacked);
        le16(&mut out, part.name.len() as u16);
        le16(&mut out, 0);
        out.extend_from_slice(part.name.as_bytes());
        out.extend_from_slice(&part.data);

        le32(&mut central, 0x0201_4b50);
        le16(&mut central, 20);
        le16(&mut central, 20);
        le16(&mut central, 0);
        le16(&mut central, part.method);
        le16(&mut central, 0);
        le16(&mut central, 0x21);
        le32(&mut central, part.crc32);
        le32(&mut central, part.data.len() as u32);
        le32(&mut central, part.unpacked);
        le16(&mut central, part.name.len() as u16);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le32(&mut central, 0);
        le32(&mut central, offset);
        central.extend_from_slice(part.name.as_bytes());
    }
    let central_at = out.len() as u32;
    out.extend_from_slice(&central);
    le32(&mut out, 0x0605_4b50);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le16(&mut out, parts.len() as u16);
    le16(&mut out, parts.len() as u16);
    le32(&mut out, central.len() as u32);
    le32(&mut out, central_at);
    le16(&mut out, 0);
    out
}

/// Writes bits least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
    }

    /// A literal byte or the end of block (256) in the fixed Huffman code.
    fn literal(&mut self, symbol: u32) {
        match symbol {
            0..=143 => self.code(0x30 + symbol, 8),
            144..=255 => self.code(0x190 + symbol - 144, 9),
            256..=279 => self.code(symbol - 256, 7),
            _ => self.code(0xC0 + symbol - 280, 8),
        }
    }
}

/// `prefix`, then `unit` (1 to 6 bytes) repeated 1 + 258 × `runs` / `unit.len()` times,
/// then `suffix`, as one fixed-Huffman deflate block (13 or 14 bits per 258 bytes); with
/// its CRC-32 and length. `runs` must be a multiple of `unit.len()`.
pub fn deflate_run(prefix: &[u8], unit: &[u8], runs: usize, suffix: &[u8]) -> (Vec<u8>, u32, u64) {
    assert!((1..=6).contains(&unit.len()) && runs.is_multiple_of(unit.len()));
    let mut bits = Bits { out: Vec::new(), acc: 0, n: 0 };
    bits.put(1, 1); // the final block
    bits.put(1, 2); // fixed Huffman codes
    for b in prefix.iter().chain(unit) {
        bits.literal(u32::from(*b));
    }
    for _ in 0..runs {
        bits.literal(285); // length 258
        match unit.len() {
            d @ 1..=4 => bits.code(d as u32 - 1, 5), // distances 1–4: codes 0–3
            d => {
                bits.code(4, 5); // distances 5–6: code 4 and one extra bit
                bits.put(d as u32 - 5, 1);
            }
        }
    }
    for b in suffix {
        bits.literal(u32::from(*b));
    }
    bits.literal(256);
    bits.put(0, 7);
    let mut crc = crc32fast::Hasher::new();
    crc.update(prefix);
    let chunk = unit.repeat(64 * 1024);
    let mut left = unit.len() + 258 * runs;
    while left > 0 {
        let n = left.min(chunk.len());
        crc.update(&chunk[..n]);
        left -= n;
    }
    crc.update(suffix);
    let length = (prefix.len() + unit.len() + 258 * runs + suffix.len()) as u64;
    (bits.out, crc.finalize(), length)
}

/// A real workbook (rust_xlsxwriter) with a name column and `rows` customers.
pub fn workbook(rows: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "name").expect("header");
    for r in 0..rows {
        sheet.write_string(r as u32 + 1, 0, format!("hostile {r}")).expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

/// `base` with its part `name` replaced.
pub fn replace_part(base: &[u8], name: &str, part: Part) -> Vec<u8> {
    let mut parts: Vec<Part> = parts_of(base).into_iter().filter(|p| p.name != name).collect();
    parts.push(part);
    zip_of(&parts)
}

/// A workbook whose shared-string table is one string of `megabytes` MiB of 'A': about
/// 1/160 of that on the wire.
pub fn shared_strings_bomb(megabytes: usize) -> Vec<u8> {
    let prefix = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
    let runs = (megabytes << 20) / 258;
    let (data, crc32, unpacked) = deflate_run(prefix, b"A", runs, b"</t></si></sst>");
    let unpacked = u32::try_from(unpacked).expect("under 4 GiB");
    replace_part(&workbook(2), "xl/sharedStrings.xml", Part { name: "xl/sharedStrings.xml".into(), method: 8, data, crc32, unpacked })
}

/// A workbook whose shared-string table announces `count` strings (and holds three).
pub fn announced_strings(count: u64) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}"><si><t>name</t></si><si><t>hostile 0</t></si><si><t>hostile 1</t></si></sst>"#
    );
    replace_part(&workbook(2), "xl/sharedStrings.xml", Part::stored("xl/sharedStrings.xml", xml.into_bytes()))
}

/// A workbook whose styles are `millions` million empty cell formats (`<xf/>`, which
/// calamine turns into a style object each), 5 MB each unpacked: within the unpacked
/// total for up to 12 million, in about 34 KB a million.
pub fn styles_bomb(millions: usize) -> Vec<u8> {
    let prefix = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1">"#;
    // 5 + 258 × runs bytes of "<xf/>": runs a multiple of 5.
    let runs = (millions * 5_000_000 / 258) / 5 * 5;
    let (data, crc32, unpacked) = deflate_run(prefix, b"<xf/>", runs, b"</cellXfs></styleSheet>");
    let unpacked = u32::try_from(unpacked).expect("under 4 GiB");
    replace_part(&workbook(2), "xl/styles.xml", Part { name: "xl/styles.xml".into(), method: 8, data, crc32, unpacked })
}

/// A 2 KB workbook with cells A1 and XFD1048576: its declared range is every cell a
/// sheet can have.
pub fn corner_cells() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "name").expect("A1");
    sheet.write_string(1_048_575, 16_383, "far away").expect("XFD1048576");
    book.save_to_buffer().expect("xlsx")
}
