//! Pages the worker serves beside the widget, written into `dist/`: the `/embed/<element>`
//! pages (one per element kind, each hosting that element full-size for iframe
//! embedding; `portal/embed/embed.js` brings the token and the events across the frame),
//! and the mobile page `/m/` of personal access links (`portal/m/`).

use std::path::Path;

/// The `<link>` hints that start a page's bundle downloads with the HTML instead of at the
/// end of a module chain (page script → `allot.js` → bundle script → wasm, each waiting
/// on the one before). Bundle paths are content-hashed, so they are written into the
/// pages when the widget is built: a page template holds `<!-- allot:preload KIND -->`
/// where the hints of KIND's bundle go.
pub struct Preloads<'a> {
    published: &'a [(String, String)],
}

impl<'a> Preloads<'a> {
    pub fn new(published: &'a [(String, String)]) -> Self {
        Preloads { published }
    }

    /// The loader, the bundle's script and its wasm (fetched by the loader with the
    /// defaults of `fetch`: same-origin credentials, which `crossorigin` matches).
    pub fn links(&self, kind: &str) -> Result<String, String> {
        let dir = self.published.iter().find(|(k, _)| k == kind).map(|(_, dir)| dir).ok_or_else(|| format!("no published bundle for {kind}"))?;
        Ok(format!(
            "<link rel=\"modulepreload\" href=\"/widget/allot.js\">\
             <link rel=\"modulepreload\" href=\"/widget/v/{dir}/allot_core.js\">\
             <link rel=\"preload\" href=\"/widget/v/{dir}/allot_core_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin>"
        ))
    }

    /// `html` with every `<!-- allot:preload KIND -->` replaced by KIND's hints.
    pub fn fill(&self, html: &str) -> Result<String, String> {
        const MARK: &str = "<!-- allot:preload ";
        let mut out = String::with_capacity(html.len() + 512);
        let mut rest = html;
        while let Some(at) = rest.find(MARK) {
            out.push_str(&rest[..at]);
            let after = &rest[at + MARK.len()..];
            let end = after.find("-->").ok_or("an unclosed allot:preload comment")?;
            out.push_str(&self.links(after[..end].trim())?);
            rest = &after[end + 3..];
        }
        out.push_str(rest);
        Ok(out)
    }

    pub fn copy_page(&self, from: &Path, to: &Path) -> Result<(), String> {
        let html = std::fs::read_to_string(from).map_err(|e| format!("{}: {e}", from.display()))?;
        std::fs::write(to, self.fill(&html)?).map_err(|e| format!("{}: {e}", to.display()))
    }
}

/// Writes `dist/embed/<kind>.html` for every kind, and the page's script and style.
pub fn embed(root: &Path, dist: &Path, kinds: &[&str], preloads: &Preloads<'_>) -> Result<(), String> {
    let dir = dist.join("embed");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for asset in ["embed.js", "embed.css"] {
        std::fs::copy(root.join("portal/embed").join(asset), dir.join(asset)).map_err(|e| format!("portal/embed/{asset}: {e}"))?;
    }
    for kind in kinds {
        let preload = preloads.links(kind)?;
        let page = format!(
            "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <meta name=\"referrer\" content=\"no-referrer\"><title>Allot · {kind}</title><link rel=\"icon\" href=\"data:,\">\
             <link rel=\"stylesheet\" href=\"/embed/embed.css\">{preload}\
             <script type=\"module\" src=\"/embed/embed.js\"></script></head>\
             <body><allot-{kind} data-embedded></allot-{kind}><p id=\"status\" role=\"status\" hidden></p></body></html>\n"
        );
        std::fs::write(dir.join(format!("{kind}.html")), page).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Copies the mobile page (`portal/m/`) to `dist/m/`, with the board's preload hints (its
/// first tab).
pub fn mobile(root: &Path, dist: &Path, preloads: &Preloads<'_>) -> Result<(), String> {
    let dir = dist.join("m");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    preloads.copy_page(&root.join("portal/m/index.html"), &dir.join("index.html"))?;
    for asset in ["m.js", "m.css", "manifest.webmanifest", "icon.svg"] {
        std::fs::copy(root.join("portal/m").join(asset), dir.join(asset)).map_err(|e| format!("portal/m/{asset}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Preloads;

    #[test]
    fn a_marker_becomes_the_hints_of_its_kind() {
        let published = [("board".to_string(), "board-0123".to_string())];
        let page = Preloads::new(&published).fill("<head><!-- allot:preload board --></head>").unwrap();
        assert!(page.contains("href=\"/widget/v/board-0123/allot_core.js\""), "{page}");
        assert!(page.contains("href=\"/widget/v/board-0123/allot_core_bg.wasm\" as=\"fetch\""), "{page}");
        assert!(!page.contains("allot:preload"), "{page}");
    }

    #[test]
    fn an_unknown_kind_is_an_error_not_a_silent_page() {
        let published = [("board".to_string(), "board-0123".to_string())];
        assert!(Preloads::new(&published).fill("<!-- allot:preload nope -->").is_err());
    }
}
