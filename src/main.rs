//! `sorot`: the desktop app (no subcommand) and batch commands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Sorot: annotate claims, sources, entities and relations in news articles.
#[derive(Parser)]
#[command(version, about, long_about = None, args_conflicts_with_subcommands = true)]
struct Cli {
    /// An article (.txt, .md, .html), an annotation file (.sorot.ron) or a
    /// folder (a labeling session) to open in the window. Without it, the
    /// bundled sample article opens.
    file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check annotation (or schema) files; print `path:line:col: message` per problem and exit 1 if any.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print counts per label, relation type, entity and review status,
    /// per file and in total (folders are searched for annotation files).
    Stats {
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// Only the total over all files.
        #[arg(long)]
        total: bool,
        /// Print one JSON document: {"files": [{path, counts}], "total": counts}.
        #[arg(long)]
        json: bool,
    },
    /// Create the empty annotation file of each article in its default place (article.sorot.ron).
    Init {
        #[arg(required_unless_present = "url")]
        articles: Vec<PathBuf>,
        /// Fetch this web page (https:// or http://), keep it in --dir as the
        /// archive copy, and create its annotation file beside it.
        #[arg(long, conflicts_with = "articles")]
        url: Option<String>,
        /// The folder for the page fetched with --url (default: here).
        #[arg(long, requires = "url", default_value = ".")]
        dir: PathBuf,
        /// Schema file (RON) to embed; the bundled news-claims schema by default.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Overwrite an existing annotation file.
        #[arg(long)]
        force: bool,
        /// Create `article.<annotator>.sorot.ron` for this annotator.
        #[arg(long)]
        annotator: Option<String>,
        /// For web pages: annotate the whole page's text (menus, sidebars,
        /// comments) instead of the article.
        #[arg(long)]
        whole_page: bool,
    },
    /// Export annotation files (or folders of them) as a dataset.
    Export {
        #[arg(long, value_enum)]
        format: sorot::io::export::Format,
        /// Output file (jsonl, conll, w3c) or folder (brat, label-studio, csv).
        #[arg(long)]
        out: PathBuf,
        /// Offsets in code points (default) or utf16.
        #[arg(long, default_value = "codepoints")]
        offsets: String,
        /// Labels to include in CoNLL (comma-separated); default: entity-like labels.
        #[arg(long, value_delimiter = ',')]
        labels: Option<Vec<String>>,
        /// Exit 1 if the format cannot hold something.
        #[arg(long)]
        strict: bool,
        /// Replace files that already exist at the output (otherwise they
        /// are listed and nothing is written).
        #[arg(long)]
        force: bool,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Turn a brat collection, doccano JSONL or CoNLL IOB2 into Sorot annotation files.
    Import {
        /// brat (.ann + .txt), jsonl (doccano: `label` or `entities`/`relations`)
        /// or conll (`word TAG` per line, IOB2; a document per -DOCSTART-).
        #[arg(long)]
        format: String,
        /// Folder for the .sorot.ron files.
        #[arg(long)]
        out: PathBuf,
        /// Schema file (RON); the bundled news-claims schema by default.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Add labels, attributes and relation types missing from the schema.
        #[arg(long)]
        add_labels: bool,
        /// Widen the schema to what the data uses: missing labels and
        /// relation types added, and each relation role made to accept the
        /// labels the data puts in it (listed in the report).
        #[arg(long)]
        schema_from_data: bool,
        /// Offsets in the input: code points (default) or utf16.
        #[arg(long, default_value = "codepoints")]
        offsets: String,
        /// Overwrite existing files in the output folder.
        #[arg(long)]
        force: bool,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Move annotations onto a new version of their article (typos fixed,
    /// paragraphs inserted or removed); unplaced ones are kept and flagged.
    Reanchor {
        /// The annotation file (.sorot.ron).
        annotations: PathBuf,
        /// The new version of the article.
        article: PathBuf,
        /// Where to write the re-anchored annotation file.
        #[arg(long)]
        out: PathBuf,
        /// Recorded as the reviewer of flagged spans.
        #[arg(long, default_value = "reanchor")]
        annotator: String,
    },
    /// Agreement of annotation files of the same article with the first:
    /// span P/R/F1 (exact and overlapping), relation P/R/F1 (exact and with
    /// overlapping arguments), Cohen's and Fleiss' kappa on tokens.
    Agree {
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A folder's articles with the state, annotator and counts of their
    /// annotation files, and how many are done.
    Status { dir: PathBuf },
    /// Relationships across every annotation file of a folder, grouped by
    /// type and entities (matched by external id, then name or alias),
    /// with their evidence and its sources.
    Graph {
        dir: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find text or spans across folders (recursively) and files, grep
    /// style: `file:line:col: before[match]after`; `--label-as` labels
    /// every hit. Exit 0 when found, 1 when not, 2 on an error.
    Search {
        /// Folders (searched recursively for annotation files and articles)
        /// or files.
        #[arg(required = true, num_args = 1.., value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Text to find (a regular expression with --regex); may be empty
        /// with --label, to list spans.
        pattern: String,
        /// The pattern is a regular expression (Rust `regex` syntax).
        #[arg(long)]
        regex: bool,
        #[arg(short = 'i', long)]
        ignore_case: bool,
        /// `e` also finds `é`, `è`, `ê`.
        #[arg(long)]
        ignore_accents: bool,
        /// Only where no letter or digit is next to the match.
        #[arg(short = 'w', long)]
        whole_word: bool,
        /// Find spans with this label whose text matches.
        #[arg(long, value_name = "LABEL")]
        label: Option<String>,
        /// Find matches inside spans with this label.
        #[arg(long, value_name = "LABEL")]
        inside: Option<String>,
        /// With --label/--inside: only spans whose attribute has this value.
        #[arg(long, value_name = "NAME=VALUE")]
        attribute: Option<String>,
        /// With --label/--inside: only spans without this attribute.
        #[arg(long, value_name = "NAME")]
        missing: Option<String>,
        /// With --label/--inside: only spans that are no argument of this
        /// relation type.
        #[arg(long, value_name = "RELATION_TYPE")]
        not_in: Option<String>,
        /// Label every hit with this label (hits already labelled so are
        /// skipped); each file is written atomically.
        #[arg(long, value_name = "LABEL")]
        label_as: Option<String>,
        /// With --label-as: link every hit to the entity of this name (found
        /// by name or alias in each file, added where missing).
        #[arg(long, value_name = "ENTITY", requires = "label_as")]
        link_to: Option<String>,
        /// Recorded as the author of new spans.
        #[arg(long, default_value = "sorot-search")]
        annotator: String,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Consistency of labels across folders and files: the same text with
    /// different labels, labelled in some places only, or linked to
    /// different entities. Exit 1 when something is found.
    Check {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Suggestions learnt from annotations: measure them on held-out files,
    /// or pre-annotate files with them.
    Suggest {
        #[command(subcommand)]
        command: SuggestCommand,
    },
    /// Write a generated annotation file for performance checks (fixed seed).
    Fixture {
        /// Output .sorot.ron file.
        out: PathBuf,
        /// Size of the text in MB.
        #[arg(long, default_value_t = 10.0)]
        mb: f64,
        /// Number of spans.
        #[arg(long, default_value_t = 100_000)]
        spans: usize,
        /// Number of relations.
        #[arg(long, default_value_t = 20_000)]
        relations: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Write it as the autosave (recovery) file of OUT instead, the way
        /// the window autosaves.
        #[arg(long)]
        recovery: bool,
    },
}

#[derive(Subcommand)]
enum SuggestCommand {
    /// Train on the annotations under --train, suggest on the texts of
    /// --test (their annotations unseen) and compare with them: exact span
    /// and label, per label and overall, with the training time. Inputs are
    /// annotation files (.sorot.ron), CoNLL files (.conll) or folders.
    Evaluate {
        #[arg(long, required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        #[arg(long, required = true, num_args = 1..)]
        test: Vec<PathBuf>,
        /// Print one JSON object: {"overall": {precision, recall, f1}, "labels": {…}, "train_seconds", …}.
        #[arg(long)]
        json: bool,
    },
    /// Pre-annotate: train on --train, and write each input to --out with
    /// the suggested spans added as unreviewed annotations that record
    /// where they came from (review mode accepts or rejects them).
    Apply {
        #[arg(long, required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// The folder the annotated files go to.
        #[arg(long)]
        out: PathBuf,
        /// Replace files that exist there.
        #[arg(long)]
        force: bool,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// A map step for batch engines: doccano JSONL on stdin ({"text": …}
    /// per line), the same lines on stdout with "suggestions": [[start, end,
    /// label, score], …] in code points; trained once on --train.
    Stream {
        #[arg(long, required = true, num_args = 1..)]
        train: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let code = match cli.command {
        Some(Command::Validate { files }) => sorot::cli::validate(&files, &mut out, &mut err),
        Some(Command::Stats { files, total, json }) => {
            sorot::cli::stats(&files, sorot::cli::StatsOptions { total, json }, &mut out, &mut err)
        }
        Some(Command::Init { articles, url, dir, schema, force, annotator, whole_page }) => {
            let mode = if whole_page { sorot::model::TextMode::WholePage } else { sorot::model::TextMode::Article };
            match url {
                Some(url) => {
                    sorot::cli::init_url(&url, &dir, schema.as_deref(), annotator.as_deref(), mode, &mut out, &mut err)
                }
                None => sorot::cli::init(
                    &articles,
                    schema.as_deref(),
                    force,
                    annotator.as_deref(),
                    mode,
                    &mut out,
                    &mut err,
                ),
            }
        }
        Some(Command::Export { format, out: dest, offsets, labels, strict, force, inputs }) => {
            let opts = sorot::cli::ExportOptions { format, out: dest, offsets, labels, strict, force };
            sorot::cli::export(&opts, &inputs, &mut out, &mut err)
        }
        Some(Command::Import { format, out: dest, schema, add_labels, schema_from_data, offsets, force, inputs }) => {
            let opts =
                sorot::cli::ImportOptions { format, out: dest, schema, add_labels, schema_from_data, offsets, force };
            sorot::cli::import(&opts, &inputs, &mut out, &mut err)
        }
        Some(Command::Reanchor { annotations, article, out: dest, annotator }) => {
            sorot::cli::reanchor(&annotations, &article, &dest, &annotator, &mut out, &mut err)
        }
        Some(Command::Agree { files, json }) => sorot::cli::agree(&files, json, &mut out, &mut err),
        Some(Command::Status { dir }) => sorot::cli::status(&dir, &mut out, &mut err),
        Some(Command::Graph { dir, json }) => sorot::cli::graph(&dir, json, &mut out, &mut err),
        Some(Command::Search {
            paths,
            pattern,
            regex,
            ignore_case,
            ignore_accents,
            whole_word,
            label,
            inside,
            attribute,
            missing,
            not_in,
            label_as,
            link_to,
            annotator,
            json,
        }) => {
            let opts = sorot::cli::SearchOptions {
                pattern,
                regex,
                ignore_case,
                ignore_accents,
                whole_word,
                label,
                inside,
                attribute,
                missing,
                not_in,
                label_as,
                link_to,
                annotator,
                json,
            };
            sorot::cli::search(&opts, &paths, &mut out, &mut err)
        }
        Some(Command::Check { paths, json }) => sorot::cli::check(&paths, json, &mut out, &mut err),
        Some(Command::Suggest { command }) => match command {
            SuggestCommand::Evaluate { train, test, json } => {
                sorot::cli::suggest::evaluate(&train, &test, json, &mut out, &mut err)
            }
            SuggestCommand::Apply { train, out: dest, force, inputs } => {
                sorot::cli::suggest::apply(&train, &inputs, &dest, force, &mut out, &mut err)
            }
            SuggestCommand::Stream { train } => {
                let stdin = std::io::stdin();
                sorot::cli::suggest::stream(&train, &mut stdin.lock(), &mut out, &mut err)
            }
        },
        Some(Command::Fixture { out, mb, spans, relations, seed, recovery }) => {
            let store = sorot::fixture::store((mb.max(0.0) * 1e6) as usize, spans, relations, seed);
            let out = if recovery { sorot::io::recovery_path(&out) } else { out };
            let bytes = sorot::io::to_ron_string(&store);
            // The crash test waits for this line, then kills the process at
            // a random moment of the write (what `save_annotations` does).
            eprintln!("writing {}", out.display());
            match sorot::io::write_atomic(&out, bytes.as_bytes()) {
                Ok(()) => {
                    println!(
                        "{}: {} bytes of text, {}, {}",
                        out.display(),
                        store.text().len(),
                        sorot::model::plural(store.spans().len(), "span"),
                        sorot::model::plural(store.relations().len(), "relation")
                    );
                    0
                }
                Err(e) => {
                    eprintln!("{e:#}");
                    1
                }
            }
        }
        None => match sorot::gui::run(cli.file) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("sorot: {e:#}");
                1
            }
        },
    };
    ExitCode::from(code as u8)
}
