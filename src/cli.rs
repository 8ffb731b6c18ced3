//! Batch commands behind `sorot SUBCOMMAND`. Each returns the process exit
//! code; messages go to stdout, problems to stderr.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::io;
use crate::model::{ReviewStatus, Schema, Store};

/// `sorot validate FILE...`: 0 when every file is valid, 1 otherwise, with
/// one `path:line:col: message` line per problem on stderr.
pub fn validate(files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut failed = false;
    for path in files {
        match validate_one(path) {
            Ok(summary) => {
                let _ = writeln!(out, "{}: ok ({summary})", path.display());
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(err, "{e:#}");
            }
        }
    }
    i32::from(failed)
}

fn validate_one(path: &Path) -> anyhow::Result<String> {
    if looks_like_schema(path) {
        let schema = io::load_schema(path)?;
        return Ok(format!(
            "schema: {} labels, {} entity types, {} relation types",
            schema.labels.len(),
            schema.entity_types.len(),
            schema.relation_types.len()
        ));
    }
    let store = io::load_annotations(path)?;
    Ok(format!(
        "{} spans, {} entities, {} relations",
        store.spans().len(),
        store.entities().len(),
        store.relations().len()
    ))
}

/// A schema file has top-level `labels` and no `format_version`.
fn looks_like_schema(path: &Path) -> bool {
    let Ok(src) = std::fs::read_to_string(path) else { return false };
    let head: String = src.chars().take(4096).collect();
    !head.contains("format_version") && head.contains("labels")
}

/// `sorot stats FILE...`: counts per label, relation type, entity and
/// review status.
pub fn stats(files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut failed = false;
    for path in files {
        match io::load_annotations(path) {
            Ok(store) => {
                let _ = write!(out, "{}", stats_text(path, &store));
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(err, "{e:#}");
            }
        }
    }
    i32::from(failed)
}

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
    let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
    let mut review: BTreeMap<&str, usize> = BTreeMap::new();
    for span in store.spans() {
        *labels.entry(store.label_name(span.label)).or_default() += 1;
        *review.entry(span.review.status.name()).or_default() += 1;
    }
    line(format!("  spans: {}", store.spans().len()));
    for (label, n) in &labels {
        line(format!("    {label}: {n}"));
    }
    let mut rels: BTreeMap<&str, usize> = BTreeMap::new();
    for rel in store.relations() {
        *rels.entry(store.relation_type(rel.kind).map_or("?", |t| t.name.as_str())).or_default() += 1;
        *review.entry(rel.review.status.name()).or_default() += 1;
    }
    line(format!("  relations: {}", store.relations().len()));
    for (kind, n) in &rels {
        line(format!("    {kind}: {n}"));
    }
    line(format!("  entities: {}", store.entities().len()));
    for e in store.entities() {
        let qid = e.external_id.as_deref().map(|q| format!(", {q}")).unwrap_or_default();
        line(format!("    {} ({}{qid}): {} mentions", e.name, e.kind, store.mentions_of(e.id).len()));
    }
    line("  review:".to_string());
    for status in ReviewStatus::ALL {
        line(format!("    {}: {}", status.name(), review.get(status.name()).copied().unwrap_or(0)));
    }
    s
}

/// `sorot init ARTICLE... [--schema S] [--force]`.
pub fn init(
    articles: &[PathBuf],
    schema: Option<&Path>,
    force: bool,
    annotator: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let schema = match schema.map(io::load_schema).transpose() {
        Ok(s) => s.unwrap_or_else(Schema::default_news),
        Err(e) => {
            let _ = writeln!(err, "{e:#}");
            return 1;
        }
    };
    let mut failed = false;
    for article in articles {
        match init_one(article, &schema, force, annotator) {
            Ok((path, encoding)) => {
                let _ = writeln!(out, "{}: created ({encoding})", path.display());
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(err, "{e:#}");
            }
        }
    }
    i32::from(failed)
}

fn init_one(
    article: &Path,
    schema: &Schema,
    force: bool,
    annotator: Option<&str>,
) -> anyhow::Result<(PathBuf, String)> {
    let path = io::default_annotation_path(article, annotator);
    if path.exists() && !force {
        anyhow::bail!("{}: already exists (use --force to overwrite)", path.display());
    }
    let decoded = io::read_article(article)?;
    let encoding = decoded.encoding.to_owned();
    let mut store = io::store_for_article(article, decoded, schema.clone());
    store.meta.annotator = annotator.map(str::to_owned);
    io::save_annotations(&path, &store).with_context(|| format!("{}: cannot create", path.display()))?;
    Ok((path, encoding))
}

pub struct ExportOptions {
    pub format: String,
    pub out: PathBuf,
    pub offsets: String,
    pub labels: Option<Vec<String>>,
    pub strict: bool,
}

/// Annotation files given directly or found (recursively) in folders.
pub fn collect_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut stack = vec![input.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            children.sort();
            for c in children {
                if c.is_dir() {
                    stack.push(c);
                } else if c.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(io::ANNOTATION_SUFFIX)) {
                    files.push(c);
                }
            }
        }
    }
    files
}

/// `sorot export --format FMT --out PATH INPUT...`: writes the export,
/// prints what the format could not hold; `--strict` makes that exit 1.
pub fn export(opts: &ExportOptions, inputs: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use crate::io::export::{self, Offsets};
    let offsets = match opts.offsets.as_str() {
        "codepoints" | "code-points" | "chars" => Offsets::CodePoints,
        "utf16" | "utf-16" => Offsets::Utf16,
        other => {
            let _ = writeln!(err, "--offsets {other}: use codepoints or utf16");
            return 2;
        }
    };
    let files = collect_inputs(inputs);
    let mut stores = Vec::new();
    let mut failed = false;
    for (i, path) in files.iter().enumerate() {
        if files.len() > 20 {
            let _ = write!(err, "\rreading {}/{}", i + 1, files.len());
        }
        match io::load_annotations(path) {
            Ok(s) => stores.push(s),
            Err(e) => {
                failed = true;
                let _ = writeln!(err, "{e:#}");
            }
        }
    }
    if files.len() > 20 {
        let _ = writeln!(err);
    }
    if failed {
        return 1;
    }
    let refs: Vec<&Store> = stores.iter().collect();
    let result = match opts.format.as_str() {
        "jsonl" => export::jsonl(&refs, offsets),
        "conll" => export::conll(&refs, opts.labels.as_deref()),
        "brat" => export::brat(&refs),
        "csv" => export::csv(&refs, offsets),
        other => {
            let _ = writeln!(err, "--format {other}: use jsonl, conll, brat or csv");
            return 2;
        }
    };
    let folder = matches!(opts.format.as_str(), "brat" | "csv");
    for (name, contents) in &result.files {
        let path = if folder { opts.out.join(name) } else { opts.out.clone() };
        if folder && let Err(e) = std::fs::create_dir_all(&opts.out) {
            let _ = writeln!(err, "{}: cannot create the folder: {e}", opts.out.display());
            return 1;
        }
        if let Err(e) = io::write_atomic(&path, contents.as_bytes()) {
            let _ = writeln!(err, "{e:#}");
            return 1;
        }
    }
    let _ = writeln!(out, "{}: {} documents exported as {}", opts.out.display(), stores.len(), opts.format);
    for l in &result.losses {
        let _ = writeln!(out, "{}: {l}", opts.format);
    }
    if opts.strict && !result.losses.is_empty() {
        let _ = writeln!(err, "--strict: the export lost information (see above)");
        return 1;
    }
    0
}
