//! The whole page's text: every visible text block (the title, headings,
//! paragraphs, list items, quotes, table cells, menus, sidebars, footers and
//! comment sections), one block per line. Only what a reader never sees is
//! left out: scripts, styles, templates, drawings and the document head.
//!
//! The walk is iterative (no recursion), so deeply nested documents cannot
//! overflow the stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

const SKIP: &[&str] = &["script", "style", "noscript", "template", "iframe", "svg", "select", "head"];
const BLOCKS: &[&str] = &[
    "title",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "blockquote",
    "pre",
    "figcaption",
    "dt",
    "dd",
    "td",
    "th",
    "caption",
    "div",
    "section",
    "article",
    "main",
    "br",
    "tr",
    "ul",
    "ol",
    "table",
    "body",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
];

/// The deepest element nesting accepted. Real articles nest a few dozen
/// levels; the HTML parser's scope checks cost O(depth) per element, so a
/// hostile file nested 100,000 deep would take minutes.
pub const MAX_HTML_DEPTH: usize = 1024;

/// Elements that never have content, or whose end tag may be omitted
/// (the parser closes them itself); they do not count toward nesting.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
    "html", "head", "body",
];

/// An upper estimate of the element nesting of an HTML source, from tags
/// alone (a cheap linear scan, before the real parser runs).
pub fn nesting_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(p) = html[i..].find('<') {
        i += p + 1;
        let closing = b.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        let tag_end = html[i..].find('>').map_or(html.len(), |q| i + q);
        let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// The text of every visible block of an HTML document, its title first.
pub fn whole_page_text(html: &str) -> String {
    block_text(html, true)
}

/// The text of every visible block of an HTML fragment or document, one
/// block per line; with `title`, the document's `<title>` first.
pub(super) fn block_text(html: &str, title: bool) -> String {
    let doc = Html::parse_document(html);
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut skip_depth = 0usize;
    // The <title> lives in <head>, which is skipped; take it first.
    if title
        && let Ok(sel) = scraper::Selector::parse("title")
        && let Some(title) = doc.select(&sel).next()
    {
        push_block(&mut blocks, &title.text().collect::<String>());
    }
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if skip_depth > 0 || SKIP.contains(&name) {
                        skip_depth += 1;
                    } else if BLOCKS.contains(&name) {
                        push_block(&mut blocks, &std::mem::take(&mut current));
                    }
                }
                Node::Text(t) if skip_depth == 0 => current.push_str(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                    } else if BLOCKS.contains(&el.name()) {
                        push_block(&mut blocks, &std::mem::take(&mut current));
                    }
                }
            }
        }
    }
    push_block(&mut blocks, &current);
    blocks.join("\n")
}

/// The page's `<title>`, whitespace collapsed.
pub(super) fn title(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = scraper::Selector::parse("title").ok()?;
    let t = doc.select(&sel).next()?.text().collect::<String>();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// Collapses whitespace runs (HTML rendering rules) and keeps non-empty blocks.
fn push_block(blocks: &mut Vec<String>, raw: &str) {
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if !collapsed.is_empty() {
        blocks.push(collapsed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_visible_block_and_drops_scripts() {
        let html = r#"<!doctype html><html><head><title>Putin &amp; Kim</title>
            <style>p{color:red}</style><script>alert("x")</script></head>
            <body><nav><a href="/">Home</a> | <a>World</a></nav>
            <h1>Saling Hadiahi Senapan</h1>
            <p>“Putin memberi Kim senapan,” <b>kata</b>
               Dmitry Peskov.</p>
            <ul><li>Rusia</li><li>Korut</li></ul>
            <footer>Kirim Komentar</footer></body></html>"#;
        assert_eq!(
            whole_page_text(html),
            "Putin & Kim\nHome | World\nSaling Hadiahi Senapan\n“Putin memberi Kim senapan,” kata Dmitry Peskov.\n\
             Rusia\nKorut\nKirim Komentar"
        );
    }

    #[test]
    fn nesting_is_measured() {
        let deep = "<div>".repeat(100_000) + "deep" + &"</div>".repeat(100_000);
        assert_eq!(nesting_depth(&deep), 100_000);
        // Paragraphs and list items without end tags, and void elements, do not nest.
        let flat = "<p>a<p>b<br><img src=x><li>c".repeat(10_000);
        assert_eq!(nesting_depth(&flat), 0);
        let ok = "<div>".repeat(200) + "deep" + &"</div>".repeat(200);
        assert_eq!(nesting_depth(&ok), 200);
        assert_eq!(whole_page_text(&ok), "deep");
    }
}
