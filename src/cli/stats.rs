//! `sorot stats`: counts per file and over all files — labels, relation
//! types, entities, review status, states and annotators.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::io;
use crate::model::{ReviewStatus, Store};

/// The options of `sorot stats`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StatsOptions {
    /// Only the total.
    pub total: bool,
    pub json: bool,
}

/// Counts over one or more files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub files: usize,
    pub text_bytes: usize,
    pub spans: usize,
    pub labels: BTreeMap<String, usize>,
    pub relations: usize,
    pub relation_types: BTreeMap<String, usize>,
    /// Mentions per entity, `name (type)`.
    pub entities: BTreeMap<String, usize>,
    /// Spans and relations per review status.
    pub review: BTreeMap<String, usize>,
    pub states: BTreeMap<String, usize>,
    pub annotators: BTreeMap<String, usize>,
}

impl Counts {
    pub fn of(store: &Store) -> Self {
        let mut c = Counts { files: 1, text_bytes: store.text().len(), ..Counts::default() };
        for status in ReviewStatus::ALL {
            c.review.insert(status.name().to_owned(), 0);
        }
        c.spans = store.spans().len();
        for span in store.spans() {
            *c.labels.entry(store.label_name(span.label).to_owned()).or_default() += 1;
            *c.review.entry(span.review.status.name().to_owned()).or_default() += 1;
        }
        c.relations = store.relations().len();
        for rel in store.relations() {
            let name = store.relation_type(rel.kind).map_or("?", |t| t.name.as_str()).to_owned();
            *c.relation_types.entry(name).or_default() += 1;
            *c.review.entry(rel.review.status.name().to_owned()).or_default() += 1;
        }
        for e in store.entities() {
            *c.entities.entry(format!("{} ({})", e.name, e.kind)).or_default() += store.mentions_of(e.id).len();
        }
        c.states.insert(store.meta.state.name().to_owned(), 1);
        c.annotators.insert(store.meta.annotator.clone().unwrap_or_else(|| "(none)".into()), 1);
        c
    }

    pub fn add(&mut self, o: &Counts) {
        self.files += o.files;
        self.text_bytes += o.text_bytes;
        self.spans += o.spans;
        self.relations += o.relations;
        for (mine, theirs) in [
            (&mut self.labels, &o.labels),
            (&mut self.relation_types, &o.relation_types),
            (&mut self.entities, &o.entities),
            (&mut self.review, &o.review),
            (&mut self.states, &o.states),
            (&mut self.annotators, &o.annotators),
        ] {
            for (k, n) in theirs {
                *mine.entry(k.clone()).or_default() += n;
            }
        }
    }

    /// The total block: counts over every file.
    pub fn total_text(&self) -> String {
        let join =
            |m: &BTreeMap<String, usize>| m.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ");
        let mut s = format!(
            "total: {} {}, {} bytes of text\n  states: {}\n  annotators: {}\n  spans: {}\n",
            self.files,
            if self.files == 1 { "file" } else { "files" },
            self.text_bytes,
            join(&self.states),
            join(&self.annotators),
            self.spans
        );
        for (k, n) in &self.labels {
            s.push_str(&format!("    {k}: {n}\n"));
        }
        s.push_str(&format!("  relations: {}\n", self.relations));
        for (k, n) in &self.relation_types {
            s.push_str(&format!("    {k}: {n}\n"));
        }
        s.push_str(&format!("  entities: {}\n", self.entities.len()));
        for (k, n) in &self.entities {
            s.push_str(&format!("    {k}: {n} mentions\n"));
        }
        s.push_str("  review:\n");
        for (k, n) in &self.review {
            s.push_str(&format!("    {k}: {n}\n"));
        }
        s
    }
}

/// One file's block (as before totals existed).
pub fn stats_text(path: &Path, store: &Store) -> String {
    let mut s = String::new();
    let mut line = |l: String| {
        s.push_str(&l);
        s.push('\n');
    };
    line(format!(
        "{}: {} ({}), {} bytes of text, state {}",
        path.display(),
        store.meta.id,
        store.meta.encoding,
        store.text().len(),
        store.meta.state.name()
    ));
    let c = Counts::of(store);
    line(format!("  spans: {}", c.spans));
    for (label, n) in &c.labels {
        line(format!("    {label}: {n}"));
    }
    line(format!("  relations: {}", c.relations));
    for (kind, n) in &c.relation_types {
        line(format!("    {kind}: {n}"));
    }
    line(format!("  entities: {}", store.entities().len()));
    for e in store.entities() {
        let qid = e.external_id.as_deref().map(|q| format!(", {q}")).unwrap_or_default();
        line(format!("    {} ({}{qid}): {} mentions", e.name, e.kind, store.mentions_of(e.id).len()));
    }
    line("  review:".to_string());
    for status in ReviewStatus::ALL {
        line(format!("    {}: {}", status.name(), c.review.get(status.name()).copied().unwrap_or(0)));
    }
    s
}

/// `sorot stats PATH...`: each file's counts, then the total over all of
/// them (folders are searched for annotation files). Exit 1 when a file
/// could not be read (the others are still counted).
pub fn stats(paths: &[PathBuf], opts: StatsOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let files = super::collect_inputs(paths);
    if files.is_empty() {
        let _ = writeln!(err, "sorot stats: no annotation files in {}", super::list_paths(paths));
        return 1;
    }
    let bar = super::progress_bar(files.len(), "reading");
    let mut total = Counts::default();
    let mut per_file = Vec::new();
    let mut failed = false;
    for path in &files {
        bar.inc(1);
        match io::load_annotations(path) {
            Ok(store) => {
                let c = Counts::of(&store);
                total.add(&c);
                if opts.json {
                    per_file.push(serde_json::json!({"path": path.display().to_string(), "counts": c}));
                } else if !opts.total {
                    bar.suspend(|| {
                        let _ = write!(out, "{}", stats_text(path, &store));
                    });
                }
            }
            Err(e) => {
                failed = true;
                bar.suspend(|| {
                    let _ = writeln!(err, "{e:#}");
                });
            }
        }
    }
    bar.finish_and_clear();
    if opts.json {
        let doc = serde_json::json!({"files": if opts.total { Vec::new() } else { per_file }, "total": total});
        let _ = writeln!(out, "{doc}");
    } else if opts.total || files.len() > 1 {
        let _ = write!(out, "{}", total.total_text());
    }
    i32::from(failed)
}
