//! Files: article decoding, the RON annotation file, atomic writes.

pub mod article;
pub mod atomic;
pub mod corpus;
pub mod document;
pub mod export;
pub mod import;
pub mod office;
pub mod ronfile;
pub mod search;
pub mod web;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::model::{DocMeta, DocState, Schema, Store, Text};

pub use article::{Article, ArticleFormat, read_article, read_article_as};
pub use atomic::write_atomic;
pub use ronfile::{LoadError, Problem, from_ron_str, to_ron_string};

/// The suffix of annotation files.
pub const ANNOTATION_SUFFIX: &str = ".sorot.ron";

/// Whether a path names an annotation file.
pub fn is_annotation_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(ANNOTATION_SUFFIX) || n.ends_with(".ron"))
}

/// The default place of an article's annotations: `article.txt` →
/// `article.sorot.ron`, or `article.<annotator>.sorot.ron` for one of several
/// annotators.
pub fn default_annotation_path(article: &Path, annotator: Option<&str>) -> PathBuf {
    let stem = article.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "article".into());
    let name = match annotator {
        Some(a) => format!("{stem}.{a}{ANNOTATION_SUFFIX}"),
        None => format!("{stem}{ANNOTATION_SUFFIX}"),
    };
    article.with_file_name(name)
}

/// The files given, and those found (recursively, in name order) in the
/// folders given for which `keep` holds.
pub fn files_under(inputs: &[PathBuf], keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
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
                } else if keep(&c) {
                    files.push(c);
                }
            }
        }
    }
    files
}

/// Where unsaved work on the annotation file `path` is autosaved:
/// `.name.sorot.ron.recovery` beside it.
pub fn recovery_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.recovery"))
}

/// Where a second window on the annotation file at `path` autosaves
/// (process `pid`): `.name.sorot.ron.<pid>.recovery`, so it never replaces
/// the first window's live autosave.
pub fn window_recovery_path(path: &Path, pid: u32) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{pid}.recovery"))
}

/// A new, empty annotation store for an article.
pub fn store_for_article(path: &Path, article: Article, schema: Schema) -> Store {
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let meta = DocMeta {
        id,
        original_path: Some(path.display().to_string()),
        encoding: article.encoding.to_owned(),
        state: DocState::New,
        annotator: None,
        origin: article.origin,
        adjudication: None,
    };
    Store::new(Text::new(article.text), schema, meta)
}

/// The text mode a document was made in (a web page's article unless it
/// records otherwise).
pub fn text_mode(meta: &DocMeta) -> crate::model::TextMode {
    meta.origin.as_ref().map_or(crate::model::TextMode::Article, |o| o.mode)
}

/// Reads and checks an annotation file. Errors are `path:line:col: message`
/// lines, one per problem.
pub fn load_annotations(path: &Path) -> anyhow::Result<Store> {
    parse_annotations(path, &read_annotation_source(path)?)
}

/// An annotation file's text (size-checked, UTF-8, BOM dropped), for
/// [`parse_annotations`].
pub fn read_annotation_source(path: &Path) -> anyhow::Result<String> {
    let meta = std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if meta.len() > ronfile::MAX_RON_BYTES {
        bail!("{}: the file is {} bytes; annotation files are limited to 1 GiB", path.display(), meta.len());
    }
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let head = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let line = head.matches('\n').count() + 1;
            let col = head.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            bail!("{}:{line}:{col}: the file is not valid UTF-8", path.display());
        }
    }
}

/// Checks and loads an annotation file's text read from `path`; errors are
/// `path:line:col: message` lines.
pub fn parse_annotations(path: &Path, src: &str) -> anyhow::Result<Store> {
    ronfile::from_ron_str(src).map(|(store, _)| store).map_err(|e| anyhow::anyhow!(e.with_path(path)))
}

/// What can be read of a damaged annotation file: every annotation that
/// passes its checks, and the problems (`line:col: message`) of the rest.
/// `Err` when nothing can be read (broken syntax, an empty file).
pub fn salvage_annotations(path: &Path) -> anyhow::Result<(Store, Vec<String>)> {
    let src = read_annotation_source(path)?;
    let (store, _, problems) = ronfile::from_ron_str_salvaging(&src).map_err(|e| anyhow::anyhow!(e.with_path(path)))?;
    Ok((store, problems.iter().map(|p| format!("{}:{}: {}", p.line, p.col, p.message)).collect()))
}

/// Writes an annotation file atomically.
pub fn save_annotations(path: &Path, store: &Store) -> anyhow::Result<()> {
    write_atomic(path, to_ron_string(store).as_bytes())
}

/// Reads a schema file. Errors are `path:line:col: message` lines.
pub fn load_schema(path: &Path) -> anyhow::Result<Schema> {
    let src = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    ronfile::schema_from_ron(&src).map_err(|e| anyhow::anyhow!(e.with_path(path)))
}

/// The labels a new article in `dir` starts with: the folder's
/// `schema.ron`, else the schema of its most recently changed annotation
/// file (of up to 20 MB; the three newest are tried), so an article added
/// to a folder of names and places is labelled with those, not with the
/// built-in labels (a newcomer's was, and its suggestions in the folder's
/// labels were all dropped). `None`: the built-in schema.
pub fn folder_schema(dir: &Path) -> Option<(Schema, PathBuf)> {
    let own = dir.join("schema.ron");
    if let Ok(schema) = load_schema(&own) {
        return Some((schema, own));
    }
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(ANNOTATION_SUFFIX) && !name.starts_with('.')
        })
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            (m.is_file() && m.len() <= 20 << 20).then_some((m.modified().ok()?, e.path()))
        })
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files.into_iter().take(3).find_map(|(_, p)| load_annotations(&p).ok().map(|s| (s.schema().clone(), p)))
}

/// Moves the annotations of `annotations` onto the article at `article`
/// (see [`crate::model::reanchor`]). Nothing is written.
pub fn reanchor_file(
    annotations: &Path,
    article: &Path,
    author: &str,
) -> anyhow::Result<(Store, crate::model::reanchor::ReanchorReport)> {
    let old = load_annotations(annotations)?;
    reanchor_store(&old, article, author)
}

/// Moves a store's annotations onto the article at `article`.
pub fn reanchor_store(
    old: &Store,
    article: &Path,
    author: &str,
) -> anyhow::Result<(Store, crate::model::reanchor::ReanchorReport)> {
    reanchor_store_as(old, article, text_mode(&old.meta), author)
}

/// Moves a store's annotations onto the text of `mode` of the article at
/// `article` (for a web page: the article or the whole page).
pub fn reanchor_store_as(
    old: &Store,
    article: &Path,
    mode: crate::model::TextMode,
    author: &str,
) -> anyhow::Result<(Store, crate::model::reanchor::ReanchorReport)> {
    let new = read_article_as(article, mode)?;
    let mut meta = old.meta.clone();
    meta.encoding = new.encoding.to_owned();
    // The fetch record belongs to the page, whichever text is shown.
    let fetch = old.meta.origin.as_ref().and_then(|o| o.fetch.clone());
    meta.origin = new.origin.map(|o| crate::model::Origin { fetch, ..o });
    meta.original_path = Some(article.display().to_string());
    let now = crate::model::Timestamp::now();
    Ok(crate::model::reanchor::reanchor(old, Text::new(new.text), meta, author, now))
}
