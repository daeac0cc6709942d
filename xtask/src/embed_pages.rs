//! The `/embed/<element>` pages: one page per element kind, each hosting that element
//! full-size for iframe embedding (`portal/embed/embed.js` brings the token and the
//! events across the frame). Written into `dist/embed/` from the one list of kinds.

use std::path::Path;

/// Writes `dist/embed/<kind>.html` for every kind, and the page's script and style.
pub fn write(root: &Path, dist: &Path, kinds: &[&str]) -> Result<(), String> {
    let dir = dist.join("embed");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for asset in ["embed.js", "embed.css"] {
        std::fs::copy(root.join("portal/embed").join(asset), dir.join(asset)).map_err(|e| format!("portal/embed/{asset}: {e}"))?;
    }
    for kind in kinds {
        let page = format!(
            "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <meta name=\"referrer\" content=\"no-referrer\"><title>Allot · {kind}</title>\
             <link rel=\"stylesheet\" href=\"/embed/embed.css\"><link rel=\"modulepreload\" href=\"/widget/allot.js\">\
             <script type=\"module\" src=\"/embed/embed.js\"></script></head>\
             <body><allot-{kind} data-embedded></allot-{kind}><p id=\"status\" role=\"status\" hidden></p></body></html>\n"
        );
        std::fs::write(dir.join(format!("{kind}.html")), page).map_err(|e| e.to_string())?;
    }
    Ok(())
}
