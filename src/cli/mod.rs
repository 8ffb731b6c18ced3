//! Batch commands behind `sorot SUBCOMMAND`. Each returns the process exit
//! code; messages go to stdout, problems to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::io;
use crate::model::{Schema, Store};

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
    use crate::model::plural;
    Ok(format!(
        "{}, {}, {}",
        plural(store.spans().len(), "span"),
        plural(store.entities().len(), "entity"),
        plural(store.relations().len(), "relation")
    ))
}

/// A schema file has top-level `labels` and no `format_version`.
fn looks_like_schema(path: &Path) -> bool {
    let Ok(src) = std::fs::read_to_string(path) else { return false };
    let head: String = src.chars().take(4096).collect();
    !head.contains("format_version") && head.contains("labels")
}

/// `sorot init ARTICLE... [--schema S] [--force]`.
pub fn init(
    articles: &[PathBuf],
    schema: Option<&Path>,
    force: bool,
    annotator: Option<&str>,
    mode: crate::model::TextMode,
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
        match init_one(article, &schema, force, annotator, mode) {
            Ok((path, how)) => {
                let _ = writeln!(out, "{}: created ({how})", path.display());
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(err, "{e:#}");
            }
        }
    }
    i32::from(failed)
}

/// `sorot init --url`: fetches one page into `dir` and creates its
/// annotation file.
pub fn init_url(
    url: &str,
    dir: &Path,
    schema: Option<&Path>,
    annotator: Option<&str>,
    mode: crate::model::TextMode,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let result = schema.map(io::load_schema).transpose().and_then(|schema| {
        let schema = schema.unwrap_or_else(Schema::default_news);
        io::web::open_url(url, dir, schema, annotator, mode, io::web::fetch::Limits::default())
    });
    match result {
        Ok((page, ann)) => {
            let _ = writeln!(out, "{}: fetched from {}", page.display(), url.trim());
            let _ = writeln!(out, "{}: created", ann.display());
            0
        }
        Err(e) => {
            let _ = writeln!(err, "{e:#}");
            1
        }
    }
}

fn init_one(
    article: &Path,
    schema: &Schema,
    force: bool,
    annotator: Option<&str>,
    mode: crate::model::TextMode,
) -> anyhow::Result<(PathBuf, String)> {
    let path = io::default_annotation_path(article, annotator);
    if path.exists() && !force {
        anyhow::bail!("{}: already exists (use --force to overwrite)", path.display());
    }
    let decoded = io::read_article_as(article, mode)?;
    let mut how = decoded.encoding.to_owned();
    match &decoded.origin {
        Some(o) if o.is_web_page() => how.push_str(&format!("; {}", o.describe())),
        Some(o) => how = o.describe(),
        None => {}
    }
    if let Some(note) = &decoded.note {
        how.push_str(&format!("; {note}"));
    }
    let mut store = io::store_for_article(article, decoded, schema.clone());
    store.meta.annotator = annotator.map(str::to_owned);
    io::save_annotations(&path, &store).with_context(|| format!("{}: cannot create", path.display()))?;
    Ok((path, how))
}

pub struct ExportOptions {
    pub format: crate::io::export::Format,
    pub out: PathBuf,
    pub offsets: String,
    pub labels: Option<Vec<String>>,
    pub strict: bool,
    /// Replace files that exist at the output.
    pub force: bool,
}

/// `a, b, c` for messages.
fn list_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// A progress bar on stderr when it is a terminal; hidden otherwise (and
/// for a handful of files).
fn progress_bar(n: usize, what: &'static str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if n < 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} files, {eta} left") {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}

/// Annotation files given directly or found (recursively) in folders.
pub fn collect_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    io::files_under(inputs, |p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(io::ANNOTATION_SUFFIX))
    })
}

/// `sorot export --format FMT --out PATH INPUT...`: writes the export,
/// prints what the format could not hold; `--strict` makes that exit 1.
pub fn export(opts: &ExportOptions, inputs: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use crate::io::export;
    let Some(offsets) = parse_offsets(&opts.offsets) else {
        let _ = writeln!(err, "--offsets {}: use codepoints or utf16", opts.offsets);
        return 2;
    };
    let files = collect_inputs(inputs);
    let mut stores = Vec::new();
    let mut failed = false;
    let bar = progress_bar(files.len(), "reading");
    for path in &files {
        bar.inc(1);
        match io::load_annotations(path) {
            Ok(s) => stores.push(s),
            Err(e) => {
                failed = true;
                bar.suspend(|| {
                    let _ = writeln!(err, "{e:#}");
                });
            }
        }
    }
    bar.finish_and_clear();
    if failed {
        return 1;
    }
    let refs: Vec<&Store> = stores.iter().collect();
    let result = match opts.format.write_to(&refs, offsets, opts.labels.as_deref(), &opts.out, opts.force) {
        Ok(written) => written,
        Err(e) => {
            let hint = match &e {
                export::WriteError::Exists(there) if there.len() == 1 => "; --force replaces it",
                export::WriteError::Exists(_) => "; --force replaces them",
                export::WriteError::Failed(_) => "",
            };
            let _ = writeln!(err, "{}: {e}{hint}", opts.out.display());
            return 1;
        }
    };
    let s = if stores.len() == 1 { "" } else { "s" };
    let _ = writeln!(out, "{}: {} document{s} exported as {}", opts.out.display(), stores.len(), opts.format);
    for n in &result.notices {
        let _ = writeln!(out, "{}: {n}", opts.format);
    }
    for l in &result.losses {
        let _ = writeln!(out, "{}: {l}", opts.format);
    }
    if opts.strict && !result.losses.is_empty() {
        let _ = writeln!(err, "--strict: the export lost information (see above)");
        return 1;
    }
    0
}

pub struct ImportOptions {
    pub format: String,
    pub out: PathBuf,
    pub schema: Option<PathBuf>,
    pub add_labels: bool,
    pub schema_from_data: bool,
    pub offsets: String,
    pub force: bool,
}

fn parse_offsets(s: &str) -> Option<crate::io::export::Offsets> {
    use crate::io::export::Offsets;
    match s {
        "codepoints" | "code-points" | "chars" => Some(Offsets::CodePoints),
        "utf16" | "utf-16" => Some(Offsets::Utf16),
        _ => None,
    }
}

/// `sorot import --format brat|jsonl [--schema S] [--add-labels] --out DIR
/// INPUT...`: every input is read and checked before anything is written.
pub fn import(opts: &ImportOptions, inputs: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use crate::io::import::{self, ImportFormat, ImportPlan};
    let Some(offsets) = parse_offsets(&opts.offsets) else {
        let _ = writeln!(err, "--offsets {}: use codepoints or utf16", opts.offsets);
        return 2;
    };
    let Some(format) = ImportFormat::by_name(&opts.format) else {
        let _ = writeln!(err, "--format {}: use brat or jsonl", opts.format);
        return 2;
    };
    let plan = ImportPlan {
        format,
        out: opts.out.clone(),
        schema: opts.schema.clone(),
        add_labels: opts.add_labels,
        schema_from_data: opts.schema_from_data,
        offsets,
        force: opts.force,
    };
    let progress = |done: usize, total: usize| {
        if total > 20 {
            eprint!("\rreading {done}/{total}");
            if done == total {
                eprintln!();
            }
        }
    };
    match import::run(&plan, inputs, &progress) {
        Ok(report) => {
            for a in &report.added {
                let _ = writeln!(out, "added {a}");
            }
            for w in &report.widened {
                let _ = writeln!(out, "schema widened: {w}");
            }
            for s in report.skipped.iter().chain(&report.renamed) {
                let _ = writeln!(out, "{s}");
            }
            let _ = writeln!(
                out,
                "{}: {} imported from {} ({}, {})",
                opts.out.display(),
                crate::model::plural(report.written.len(), "document"),
                format.name(),
                crate::model::plural(report.spans, "span"),
                crate::model::plural(report.relations, "relation")
            );
            0
        }
        Err(failure) => {
            for p in &failure.problems {
                let _ = writeln!(err, "{p}");
            }
            let _ = writeln!(err, "{}", failure.advice);
            1
        }
    }
}

/// `sorot reanchor FILE.ron NEW_ARTICLE --out NEW.ron`: prints how each span
/// moved; every span is kept.
pub fn reanchor(
    annotations: &Path,
    article: &Path,
    dest: &Path,
    annotator: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match io::reanchor_file(annotations, article, annotator) {
        Ok((store, report)) => {
            if let Err(e) = io::save_annotations(dest, &store) {
                let _ = writeln!(err, "{e:#}");
                return 1;
            }
            let _ = write!(out, "{}: {}", dest.display(), crate::model::reanchor::describe(&store, &report));
            0
        }
        Err(e) => {
            let _ = writeln!(err, "{e:#}");
            1
        }
    }
}

/// `sorot agree A.ron B.ron [C.ron...] [--json]`: agreement of each file with
/// the first (span P/R/F1 exact and overlapping, per label and overall;
/// relation F1; Cohen's kappa on tokens) and Fleiss' kappa over all files.
pub fn agree(files: &[PathBuf], json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut stores = Vec::new();
    for f in files {
        match io::load_annotations(f) {
            Ok(s) => stores.push(s),
            Err(e) => {
                let _ = writeln!(err, "{e:#}");
                return 1;
            }
        }
    }
    let Some(first) = stores.first() else { return 2 };
    for (f, s) in files.iter().zip(&stores).skip(1) {
        if s.text() != first.text() {
            let _ = writeln!(
                err,
                "{}",
                crate::model::compare::different_text(
                    &f.display().to_string(),
                    s,
                    &files[0].display().to_string(),
                    first
                )
            );
            return 1;
        }
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    agreement_report(&names, &stores, json, out);
    0
}

/// The agreement table of `stores` (same text; the first is the reference),
/// as `sorot agree` prints it, or as JSON.
pub fn agreement_report(names: &[String], stores: &[Store], json: bool, out: &mut dyn Write) {
    use crate::model::agreement as ag;
    let Some(report) = ag::report(stores) else { return };
    let name = |i: usize| names.get(i).map_or("?", String::as_str);
    if json {
        // A figure with nothing to judge is null, not a perfect 1.
        let row = |c: &ag::Counts| {
            serde_json::json!({"matched": c.matched, "missed": c.missed, "extra": c.extra,
                "precision": c.precision_if_any(), "recall": c.recall_if_any(), "f1": c.f1_if_any()})
        };
        let v: Vec<serde_json::Value> = report
            .pairs
            .iter()
            .map(|p| {
                let per = |m: &std::collections::BTreeMap<Option<String>, ag::Counts>| {
                    m.iter()
                        .map(|(k, c)| (k.clone().unwrap_or_else(|| "all".into()), row(c)))
                        .collect::<serde_json::Map<_, _>>()
                };
                serde_json::json!({
                    "reference": name(0),
                    "other": name(p.other),
                    "spans_exact": per(&p.exact),
                    "spans_overlap": per(&p.overlap),
                    "relations": row(&p.relations),
                    "relations_overlap": row(&p.relations_overlap),
                    "cohen_kappa_tokens": p.kappa,
                })
            })
            .collect();
        let doc = serde_json::json!({"tokens": report.tokens, "pairs": v, "fleiss_kappa_tokens": report.fleiss});
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return;
    }
    for p in &report.pairs {
        let _ = writeln!(out, "{} (reference) vs {}", name(0), name(p.other));
        let _ =
            writeln!(out, "  {:<14} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7}", "spans", "P", "R", "F1", "P~", "R~", "F1~");
        for (k, c) in &p.exact {
            let o = p.overlap.get(k).copied().unwrap_or_default();
            let label = k.clone().unwrap_or_else(|| "all".into());
            let _ = writeln!(
                out,
                "  {label:<14} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7}",
                ag::figure(c.precision_if_any()),
                ag::figure(c.recall_if_any()),
                ag::figure(c.f1_if_any()),
                ag::figure(o.precision_if_any()),
                ag::figure(o.recall_if_any()),
                ag::figure(o.f1_if_any())
            );
        }
        let (r, o) = (&p.relations, &p.relations_overlap);
        let _ = writeln!(
            out,
            "  relations      {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7}",
            ag::figure(r.precision_if_any()),
            ag::figure(r.recall_if_any()),
            ag::figure(r.f1_if_any()),
            ag::figure(o.precision_if_any()),
            ag::figure(o.recall_if_any()),
            ag::figure(o.f1_if_any())
        );
        let _ = writeln!(out, "  Cohen's kappa on {} tokens: {:.3}", report.tokens, p.kappa);
    }
    if let Some(f) = report.fleiss {
        let _ = writeln!(out, "Fleiss' kappa on {} tokens, {} annotators: {f:.3}", report.tokens, report.annotators);
    }
    let _ = writeln!(
        out,
        "(~: overlapping spans of the same label count as matching, in relations' arguments too; \
         —: nothing to judge)"
    );
}

/// `sorot status DIR`: each article of a folder with the state, annotator
/// and counts of its annotation files, and the folder's progress.
pub fn status(dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let corpus = match io::corpus::scan(dir, |_, _| {}) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "{e:#}");
            return 1;
        }
    };
    let mut bad = 0;
    for e in &corpus.entries {
        if e.files.is_empty() {
            let _ = writeln!(out, "{:<12} {}", "new", e.stem);
        }
        for f in &e.files {
            let name = f.name();
            match &f.error {
                Some(msg) => {
                    bad += 1;
                    let _ = writeln!(out, "{:<12} {name}: cannot be read", "error");
                    let _ = writeln!(err, "{msg}");
                }
                None => {
                    // An adjudicated file is a result: its annotator is
                    // the adjudicator, not one more annotator.
                    let who = match (io::corpus::is_adjudicated(&f.path), f.annotator.as_deref()) {
                        (true, Some(a)) => format!("adjudicated by {a}"),
                        (true, None) => "adjudicated".to_owned(),
                        (false, a) => a.unwrap_or("no annotator").to_owned(),
                    };
                    let by =
                        if f.reviewers.is_empty() { String::new() } else { format!(" by {}", f.reviewers.join(", ")) };
                    let _ = writeln!(out, "{:<12} {name} ({who}): {}{by}", f.state.name(), f.counts());
                }
            }
        }
        if e.files.len() > 1 {
            let _ = writeln!(out, "{:<12} {}: {}", "", e.stem, e.standing().describe());
        }
    }
    // The same figures as the window's folder panel.
    let p = corpus.progress();
    let later = p.later_stages();
    let later = if later.is_empty() { String::new() } else { format!(" · {later}") };
    let _ = writeln!(out, "{} of {} articles done{later}", p.done, p.articles);
    i32::from(bad > 0)
}

/// `sorot graph DIR`: relationships across every annotation file of a
/// folder, grouped by type and entities, with their evidence.
pub fn graph(dir: &Path, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let corpus = match io::corpus::scan(dir, |_, _| {}) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "{e:#}");
            return 1;
        }
    };
    let (stores, errors) = io::corpus::load_all(&corpus, |_, _| {});
    for e in &errors {
        let _ = writeln!(err, "{e} (skipped)");
    }
    let docs: Vec<(String, &Store)> = stores.iter().map(|(p, s)| (p.display().to_string(), s)).collect();
    let groups = crate::model::graph::group(&docs);
    if json {
        let files: Vec<String> = docs.iter().map(|(n, _)| n.clone()).collect();
        let doc = serde_json::json!({"files": files, "groups": groups});
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return i32::from(!errors.is_empty());
    }
    for g in &groups {
        let _ = writeln!(out, "{}", g.headline());
        for e in &g.evidence {
            let sources = if e.sources.is_empty() { String::new() } else { format!(" ({})", e.sources.join(", ")) };
            let _ = writeln!(out, "  {}#{} “{}”{sources}", docs[e.doc].0, e.span, e.quote.replace('\n', " "));
        }
    }
    let attribution = groups.iter().filter(|g| g.attribution).count();
    let _ = writeln!(
        out,
        "{} of relations and {} of attribution in {} files",
        crate::model::plural(groups.len() - attribution, "group"),
        crate::model::plural(attribution, "group"),
        docs.len()
    );
    i32::from(!errors.is_empty())
}

mod search;
mod stats;
pub mod suggest;
pub use search::{SearchOptions, check, search};
pub use stats::{StatsOptions, stats, stats_text};
