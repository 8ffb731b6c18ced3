//! The import use case: read every input, check it, build every store,
//! then write them all or nothing. The command line and the window each
//! render the [`ImportReport`] or [`ImportFailure`] it returns.

use std::path::{Path, PathBuf};

use crate::io::export::{Offsets, UniqueNames, safe_file_stem, safe_relative_stem};
use crate::model::Schema;

/// The dataset formats Sorot imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// A brat collection: `.ann` + `.txt` files, in folders.
    Brat,
    /// doccano JSONL, either shape.
    Jsonl,
    /// CoNLL-style IOB2 (`word TAG` per line).
    Conll,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 3] = [ImportFormat::Brat, ImportFormat::Jsonl, ImportFormat::Conll];

    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Brat => "brat",
            ImportFormat::Jsonl => "jsonl",
            ImportFormat::Conll => "conll",
        }
    }

    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// What to import and where.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    pub format: ImportFormat,
    /// The folder the `.sorot.ron` files go to.
    pub out: PathBuf,
    /// The schema file; the bundled news schema when `None`.
    pub schema: Option<PathBuf>,
    /// Add labels and relation types missing from the schema.
    pub add_labels: bool,
    /// Widen the schema to what the data uses (labels, relation types,
    /// the labels each role accepts); implies `add_labels`.
    pub schema_from_data: bool,
    /// How the input counts offsets.
    pub offsets: Offsets,
    /// Replace files that exist in `out`.
    pub force: bool,
}

/// A finished import.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    /// The files written, in input order.
    pub written: Vec<PathBuf>,
    /// Labels and relation types added to the schema.
    pub added: Vec<String>,
    /// Relation rules widened to the data (`--schema-from-data`).
    pub widened: Vec<String>,
    /// What was read and not kept, with its file and line.
    pub skipped: Vec<String>,
    /// Documents written under another name than theirs (a name taken).
    pub renamed: Vec<String>,
    pub spans: usize,
    pub relations: usize,
}

/// Why nothing was written.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportFailure {
    /// One line each, with file and line where known.
    pub problems: Vec<String>,
    /// The closing line: what happened and what to do.
    pub advice: String,
}

impl ImportFailure {
    fn new(problems: Vec<String>, advice: impl Into<String>) -> Self {
        Self { problems, advice: advice.into() }
    }
}

/// Runs `plan` on `inputs` (files or folders), reporting `(done, total)`
/// inputs read. Every input is read and checked, and every store built,
/// before anything is written; existing files are replaced only with
/// `force`.
pub fn run(
    plan: &ImportPlan,
    inputs: &[PathBuf],
    progress: &dyn Fn(usize, usize),
) -> Result<ImportReport, ImportFailure> {
    let mut schema = match &plan.schema {
        Some(p) => {
            crate::io::load_schema(p).map_err(|e| ImportFailure::new(vec![format!("{e:#}")], "nothing was written"))?
        }
        None => Schema::default_news(),
    };
    let files: Vec<(PathBuf, Option<String>)> = match plan.format {
        ImportFormat::Brat => super::brat_inputs_named(inputs).into_iter().map(|(p, n)| (p, Some(n))).collect(),
        ImportFormat::Jsonl => super::jsonl_inputs(inputs).into_iter().map(|p| (p, None)).collect(),
        ImportFormat::Conll => super::conll_inputs(inputs).into_iter().map(|p| (p, None)).collect(),
    };
    if files.is_empty() {
        let ext = match plan.format {
            ImportFormat::Brat => ".ann",
            ImportFormat::Jsonl => ".jsonl",
            ImportFormat::Conll => ".conll",
        };
        return Err(ImportFailure::new(Vec::new(), format!("no {ext} files in the inputs")));
    }
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for (i, (path, name)) in files.iter().enumerate() {
        progress(i + 1, files.len());
        let read = match (name, plan.format) {
            (Some(name), _) => super::read_brat_named(path, name).map(|d| vec![d]),
            (None, ImportFormat::Conll) => super::read_conll(path),
            (None, _) => super::read_jsonl(path),
        };
        match read {
            Ok(d) => docs.extend(d),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(ImportFailure::new(problems, "nothing was written"));
    }
    let missing = super::missing_from_schema(&schema, &docs);
    let mut widened = Vec::new();
    if plan.schema_from_data {
        widened = super::from_data::widen(&mut schema, &docs);
    } else if !missing.is_empty() {
        if !plan.add_labels {
            let mut problems = vec![format!("not in the schema {:?}:", schema.name)];
            problems.extend(missing.iter().map(|m| format!("  {m}")));
            return Err(ImportFailure::new(
                problems,
                "nothing was written; --add-labels adds them to the imported files' schema \
                 (--schema-from-data also widens its relation rules to what the data uses)",
            ));
        }
        super::add_to_schema(&mut schema, &docs);
    }
    // Build every store before writing any. Each document goes to its own
    // file: the folder tree of its name is kept, and a name another
    // document took gets `-2`, `-3`… (the id too, so exports keep them
    // apart), with a line in the report.
    let mut stores = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut taken = UniqueNames::default();
    let mut renamed = Vec::new();
    for d in &docs {
        // CoNLL texts are made here, counted in code points.
        let offsets = if plan.format == ImportFormat::Conll { Offsets::CodePoints } else { plan.offsets };
        match super::build_store(d, &schema, offsets, "import") {
            Ok(mut s) => {
                let stem = document_file_stem(&d.name, plan.format);
                let unique = taken.claim(&stem);
                if unique != stem {
                    renamed.push(format!("{}: another document has that name; imported as {unique}", d.source));
                    s.meta.id = unique.clone();
                }
                names.push(format!("{unique}{}", crate::io::ANNOTATION_SUFFIX));
                stores.push(s);
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        let advice = if plan.schema_from_data {
            "nothing was written"
        } else {
            "nothing was written; --schema-from-data widens the schema's rules to what the data uses"
        };
        return Err(ImportFailure::new(problems, advice));
    }
    if !plan.force {
        let existing: Vec<String> = names.iter().filter(|n| plan.out.join(n).exists()).cloned().collect();
        if !existing.is_empty() {
            return Err(ImportFailure::new(
                Vec::new(),
                format!(
                    "{}: {} already exist(s) ({}); nothing was written; --force overwrites",
                    plan.out.display(),
                    existing.len(),
                    existing.join(", ")
                ),
            ));
        }
    }
    let mut written = Vec::new();
    for (name, store) in names.iter().zip(&stores) {
        let path = plan.out.join(name);
        write_one(&path, store).map_err(|e| {
            ImportFailure::new(
                vec![e],
                format!("the import stopped there; {} file(s) before it were written", written.len()),
            )
        })?;
        written.push(path);
    }
    Ok(ImportReport {
        written,
        added: missing,
        widened,
        skipped: docs.iter().flat_map(|d| d.skipped.iter().cloned()).collect(),
        renamed,
        spans: stores.iter().map(|s| s.spans().len()).sum(),
        relations: stores.iter().map(|s| s.relations().len()).sum(),
    })
}

fn write_one(path: &Path, store: &crate::model::Store) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    }
    crate::io::save_annotations(path, store).map_err(|e| format!("{e:#}"))
}

/// The file stem (a relative path) a document is imported under: a brat
/// name is a relative path (the collection's tree, each part made
/// file-safe); a JSONL id is one name, whatever it contains.
fn document_file_stem(name: &str, format: ImportFormat) -> String {
    match format {
        ImportFormat::Brat => safe_relative_stem(name),
        ImportFormat::Jsonl | ImportFormat::Conll => safe_file_stem(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_names_keep_their_folders_and_jsonl_ids_stay_one_name() {
        assert_eq!(document_file_stem("news/010-navigation", ImportFormat::Brat), "news/010-navigation");
        assert_eq!(document_file_stem("../x", ImportFormat::Brat), "_./x");
        assert_eq!(document_file_stem("a/b", ImportFormat::Jsonl), "a_b");
        assert_eq!(ImportFormat::by_name("brat"), Some(ImportFormat::Brat));
        assert_eq!(ImportFormat::by_name("csv"), None);
    }
}
