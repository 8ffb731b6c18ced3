//! The page as the extractor is given it, and what of the page is known
//! not to be the story.
//!
//! Two things happen on one parse of the page, before main-content
//! extraction:
//!
//! * **Loose text becomes paragraphs.** Story text written straight into a
//!   `<div>` between `<br><br>`s and other blocks (no `<p>`) is wrapped in
//!   `<p>`s, one per run, as readability does. The extractor lost such text
//!   outright: the words after an inline link, or whole paragraphs.
//! * **Teaser regions are found.** A heading that names a teaser box ("You
//!   may also like", "Baca juga", "Berita terkait") and the blocks after it
//!   in its parent, and elements whose class or id name one ("related",
//!   "newsletter", "most-read"), both listed in the rules
//!   ([`super::rules`]). An extracted line is dropped later only when its
//!   text is found in such a region and nowhere else in the page, so a
//!   region can only take away teasers, never move the extractor onto
//!   another part of the page (removing them from the page first did).
//!
//! The walk is iterative, as in [`super::whole`].

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::rules::Rules;

/// Elements whose loose text is wrapped into paragraphs.
const CONTAINERS: &[&str] = &["div", "section", "article", "td", "center", "main", "blockquote"];

/// Children that end a run of loose text.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "noscript",
    "script",
    "style",
    "iframe",
];

/// Elements never treated as a teaser region by their class or id (the
/// page, or the story's own container).
const NEVER_REGION: &[&str] = &["html", "body", "article", "main"];

/// Text of the page in and out of teaser regions, whitespace collapsed,
/// one block per line.
#[derive(Debug, Default)]
pub(super) struct Regions {
    teasers: String,
    elsewhere: String,
}

impl Regions {
    /// Whether `line` (an extracted block) is teaser text: found in a
    /// teaser region and nowhere else in the page.
    pub(super) fn is_teaser(&self, line: &str) -> bool {
        let line: String = collapse(line);
        !line.is_empty() && self.teasers.contains(&line) && !self.elsewhere.contains(&line)
    }
}

/// The page to give the extractor, and its teaser regions.
pub(super) struct Prepared {
    pub html: String,
    pub regions: Regions,
}

pub(super) fn prepare(html: &str, rules: &Rules) -> Prepared {
    let mut doc = Html::parse_document(html);
    let regions = regions(&doc, rules);
    wrap_loose_text(&mut doc);
    Prepared { html: doc.html(), regions }
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn element_name(node: &Node) -> Option<&str> {
    match node {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

/// The roots of the page's teaser regions, then the text in and out of them.
fn regions(doc: &Html, rules: &Rules) -> Regions {
    let mut roots: Vec<NodeId> = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else { continue };
        let name = el.name();
        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            let text: String = node.descendants().filter_map(|d| d.value().as_text().map(|t| &**t)).collect();
            if rules.is_teaser_heading(&collapse(&text)) {
                roots.push(node.id());
                roots.extend(node.next_siblings().filter(|s| s.value().is_element()).map(|s| s.id()));
            }
        } else if !NEVER_REGION.contains(&name) {
            let class = el.attr("class").unwrap_or_default();
            let id = el.attr("id").unwrap_or_default();
            if (!class.is_empty() || !id.is_empty()) && rules.is_teaser_container(class, id) {
                roots.push(node.id());
            }
        }
    }
    if roots.is_empty() {
        return Regions::default();
    }
    roots.sort_unstable();
    roots.dedup();
    let (mut teasers, mut elsewhere) = (String::new(), String::new());
    let (mut inside, mut skip) = (0usize, 0usize);
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    if skip > 0 || matches!(el.name(), "script" | "style" | "noscript" | "template" | "head") {
                        skip += 1;
                        continue;
                    }
                    if roots.binary_search(&node.id()).is_ok() {
                        inside += 1;
                    }
                    let out = if inside > 0 { &mut teasers } else { &mut elsewhere };
                    if BLOCK.contains(&el.name()) || el.name() == "br" {
                        out.push('\n');
                    }
                }
                Node::Text(t) if skip == 0 => {
                    let out = if inside > 0 { &mut teasers } else { &mut elsewhere };
                    out.push_str(t);
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    let out = if inside > 0 { &mut teasers } else { &mut elsewhere };
                    if BLOCK.contains(&el.name()) {
                        out.push('\n');
                    }
                    if roots.binary_search(&node.id()).is_ok() {
                        inside -= 1;
                    }
                }
            }
        }
    }
    let lines = |s: &str| s.lines().map(collapse).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    Regions { teasers: lines(&teasers), elsewhere: lines(&elsewhere) }
}

/// Wraps each run of loose text (text and inline elements between blocks
/// or `<br><br>`) of a container that also holds blocks or `<br>`s into a
/// `<p>`.
fn wrap_loose_text(doc: &mut Html) {
    let containers: Vec<NodeId> = doc
        .tree
        .nodes()
        .filter(|n| element_name(n.value()).is_some_and(|name| CONTAINERS.contains(&name)))
        .filter(|n| {
            let loose = n.children().any(|c| c.value().as_text().is_some_and(|t| !t.trim().is_empty()));
            let broken = n.children().any(|c| {
                matches!(c.value(), Node::Comment(_))
                    || element_name(c.value()).is_some_and(|e| e == "br" || BLOCK.contains(&e))
            });
            loose && broken
        })
        .map(|n| n.id())
        .collect();
    let p = scraper::node::Element::new(
        html5ever::QualName::new(None, html5ever::Namespace::from("http://www.w3.org/1999/xhtml"), "p".into()),
        Vec::new(),
    );
    for id in containers {
        let Some(node) = doc.tree.get(id) else { continue };
        // The runs of this container's children, as ids.
        let mut runs: Vec<Vec<NodeId>> = Vec::new();
        let mut run: Vec<NodeId> = Vec::new();
        let mut after_br = false;
        for child in node.children() {
            let v = child.value();
            let name = element_name(v);
            if matches!(v, Node::Comment(_) | Node::ProcessingInstruction(_))
                || name.is_some_and(|e| BLOCK.contains(&e))
            {
                runs.push(std::mem::take(&mut run));
                after_br = false;
            } else if name == Some("br") {
                if after_br {
                    runs.push(std::mem::take(&mut run));
                    after_br = false;
                } else {
                    run.push(child.id());
                    after_br = true;
                }
            } else if v.as_text().is_some_and(|t| t.trim().is_empty()) {
                run.push(child.id());
            } else {
                run.push(child.id());
                after_br = false;
            }
        }
        runs.push(run);
        for run in runs {
            let has_text = run.iter().any(|&c| {
                doc.tree
                    .get(c)
                    .is_some_and(|n| n.descendants().any(|d| d.value().as_text().is_some_and(|t| !t.trim().is_empty())))
            });
            let Some(&first) = run.first() else { continue };
            if !has_text {
                continue;
            }
            let Some(mut first_mut) = doc.tree.get_mut(first) else { continue };
            let wrapper = first_mut.insert_before(Node::Element(p.clone())).id();
            for c in run {
                if let Some(mut w) = doc.tree.get_mut(wrapper) {
                    w.append_id(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> String {
        let doc = Html::parse_document(&prepare(html, Rules::bundled()).html);
        let sel = scraper::Selector::parse("body").unwrap();
        doc.select(&sel).next().map(|b| b.inner_html()).unwrap_or_default()
    }

    #[test]
    fn loose_text_between_breaks_and_blocks_becomes_paragraphs() {
        let html = "<div>Kata <em><a href='x'>BBC</a></em>, Rusia membantah.\n<br> <br><img src=i><center>foto</center> \
                    <br>Dilansir <em>Reuters</em>, Moskow diam.<br>Baris kedua.</div>";
        assert_eq!(
            body(html),
            "<div><p>Kata <em><a href=\"x\">BBC</a></em>, Rusia membantah.\n<br> </p><br><img src=\"i\">\
             <center>foto</center><p> <br>Dilansir <em>Reuters</em>, Moskow diam.<br>Baris kedua.</p></div>"
        );
        // Paragraphs already there, and containers of blocks only, stay as they are.
        let html = "<div><p>Satu <b>dua</b></p>\n<p>tiga</p></div><div>tanpa blok</div>";
        assert_eq!(body(html), "<div><p>Satu <b>dua</b></p>\n<p>tiga</p></div><div>tanpa blok</div>");
    }

    #[test]
    fn teaser_regions_take_only_text_found_nowhere_else() {
        let html = r#"<body><article><h1>Rusia dan Korut</h1><p>Putin memberi Kim senapan.</p>
            <p>Populer</p></article>
            <section><h3>Baca Juga</h3><ul><li>Pasukan Ukraina Jiplak Taktik Rusia</li></ul>
              <p>Populer</p><p>Putin memberi Kim senapan.</p></section>
            <div class="Related-Posts"><a>Kremlin membantah</a></div>
            <div id="newsletter-box">Daftar buletin kami</div></body>"#;
        let r = prepare(html, Rules::bundled()).regions;
        assert!(r.is_teaser("Pasukan Ukraina Jiplak Taktik Rusia"));
        assert!(r.is_teaser("  Kremlin   membantah "));
        assert!(r.is_teaser("Daftar buletin kami"));
        assert!(r.is_teaser("Baca Juga"));
        // Text also found outside the regions stays.
        assert!(!r.is_teaser("Populer"));
        assert!(!r.is_teaser("Putin memberi Kim senapan."));
        assert!(!r.is_teaser("Rusia dan Korut"));
        assert!(!r.is_teaser(""));
    }

    #[test]
    fn the_story_container_is_never_a_region_by_its_class() {
        let html = r#"<body><article class="related-story"><p>Putin memberi Kim senapan.</p></article></body>"#;
        assert!(!prepare(html, Rules::bundled()).regions.is_teaser("Putin memberi Kim senapan."));
    }
}
