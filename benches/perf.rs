//! Performance against floors measured in the same run, so machine noise
//! cancels: open, save, every export, import, memory per annotation, hit
//! testing and single edits, on generated fixtures (fixed seed; nothing
//! committed).
//!
//! `cargo bench --bench perf` (10 MB / 100k spans / 20k relations);
//! `cargo bench --bench perf -- --mb 50 --spans 1000000` for the largest;
//! `-- --check` exits 1 when a ratio is over its target by more than 25 %.
//! The frame times are in `benches/frame.rs`.

use std::time::{Duration, Instant};

use sorot::io;
use sorot::io::ronfile::floor;
use sorot::model::*;
use unicode_segmentation::UnicodeSegmentation;

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;

/// Counts live heap bytes, for memory per annotation.
#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

/// The median of `runs` timings of `f`.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            std::hint::black_box(f());
            s.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

/// The records an export's files hold, read back from them, as one JSON
/// value: what serde_json would have to write to hold the same data.
fn held_records(format: io::export::Format, files: &[(String, String)]) -> serde_json::Value {
    use io::export::Format;
    use serde_json::{Value, json};
    let mut all = Vec::new();
    for (name, body) in files {
        let v = match format {
            Format::Csv => {
                let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(body.as_bytes());
                Value::Array(r.records().flatten().map(|rec| json!(rec.iter().collect::<Vec<_>>())).collect())
            }
            Format::Brat if name.ends_with(".ann") => {
                Value::Array(body.lines().map(|l| json!(l.split('\t').collect::<Vec<_>>())).collect())
            }
            Format::Conll => Value::Array(
                body.split("\n\n")
                    .map(|sentence| {
                        json!(sentence.lines().map(|l| l.rsplit_once(' ').unwrap_or((l, ""))).collect::<Vec<_>>())
                    })
                    .collect(),
            ),
            Format::LabelStudio | Format::W3c if !name.ends_with(".xml") => {
                serde_json::from_str(body).unwrap_or(Value::Null)
            }
            _ => json!(body),
        };
        all.push(v);
    }
    Value::Array(all)
}

/// The medians of `runs` timings of `f` and of `g`, taken in turn, so a
/// slower stretch of the machine weighs on both alike.
fn median_pair<T, U>(runs: usize, mut f: impl FnMut() -> T, mut g: impl FnMut() -> U) -> (Duration, Duration) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let s = Instant::now();
        std::hint::black_box(f());
        a.push(s.elapsed());
        let s = Instant::now();
        std::hint::black_box(g());
        b.push(s.elapsed());
    }
    a.sort();
    b.sort();
    (a[a.len() / 2], b[b.len() / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Row {
    name: String,
    value: String,
    floor: String,
    ratio: Option<f64>,
    target: &'static str,
    limit: Option<f64>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (mb, spans) = (arg("--mb", 10), arg("--spans", 100_000));
    let check = args.iter().any(|a| a == "--check");
    // `--only jsonl` (or open, save, memory, edits) runs one part, for profiling.
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let run = |part: &str| only.as_deref().is_none_or(|o| o == part);
    let runs = if mb >= 50 { 3 } else { 5 };

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fixture.sorot.ron");
    let store = sorot::fixture::store(mb * 1_000_000, spans, spans / 5, 42);
    io::save_annotations(&path, &store).expect("save");
    let file_len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let json = floor::write_json(&store);
    let json_path = dir.path().join("fixture.json");
    std::fs::write(&json_path, &json).expect("json");
    println!(
        "fixture: {} MB text, {} spans, {} relations; .sorot.ron {:.1} MB, same data as JSON {:.1} MB; median of {runs} runs",
        mb,
        store.spans().len(),
        store.relations().len(),
        file_len as f64 / 1e6,
        json.len() as f64 / 1e6
    );
    let mut rows = Vec::new();

    // Open.
    if run("open") {
        let visible = median(runs, || {
            let src = std::fs::read_to_string(&path).unwrap_or_default();
            io::ronfile::peek_text(&src).map(|t| Text::new(t).len())
        });
        let loaded = median(runs, || io::load_annotations(&path).map(|s| s.spans().len()).unwrap_or(0));
        let parse_floor = median(runs, || floor::parse_json(&std::fs::read_to_string(&json_path).unwrap_or_default()));
        rows.push(Row {
            name: "open: text visible".into(),
            value: format!("{:.1} ms", ms(visible)),
            floor: String::new(),
            ratio: None,
            target: "≤ 100 ms",
            limit: None,
        });
        rows.push(Row {
            name: "open: fully loaded (indexed)".into(),
            value: format!("{:.0} ms", ms(loaded)),
            floor: format!("{:.0} ms", ms(parse_floor)),
            ratio: Some(loaded.as_secs_f64() / parse_floor.as_secs_f64()),
            target: "≤ 4× read + serde_json parse",
            limit: Some(4.0),
        });
    }

    // Save.
    if run("save") {
        let out = dir.path().join("saved.sorot.ron");
        let save = median(runs, || io::save_annotations(&out, &store).is_ok());
        let out_json = dir.path().join("saved.json");
        let write_floor =
            median(runs, || io::atomic::write_atomic(&out_json, floor::write_json(&store).as_bytes()).is_ok());
        rows.push(Row {
            name: "save (worker thread)".into(),
            value: format!("{:.0} ms", ms(save)),
            floor: format!("{:.0} ms", ms(write_floor)),
            ratio: Some(save.as_secs_f64() / write_floor.as_secs_f64()),
            target: "≤ 3× serde_json, same atomic write",
            limit: Some(3.0),
        });
        let blocked = median(runs, || store.clone());
        rows.push(Row {
            name: "save: UI thread (snapshot)".into(),
            value: format!("{:.2} ms", ms(blocked)),
            floor: String::new(),
            ratio: None,
            target: "≤ 2 ms",
            limit: None,
        });
    }

    // JSONL export.
    if run("jsonl") {
        let records = io::export::jsonl_records(&store, io::export::Offsets::CodePoints);
        let (export, export_floor) = median_pair(
            runs,
            || {
                let e = io::export::jsonl(&[&store], io::export::Offsets::CodePoints);
                e.files.first().map_or(0, |f| f.1.len())
            },
            || serde_json::to_string(&records).map(|s| s.len()).unwrap_or(0),
        );
        rows.push(Row {
            name: "JSONL export".into(),
            value: format!("{:.0} ms", ms(export)),
            floor: format!("{:.0} ms", ms(export_floor)),
            ratio: Some(export.as_secs_f64() / export_floor.as_secs_f64()),
            target: "≤ 2× serde_json of the records",
            limit: Some(2.0),
        });
    }

    // The other exports, each against serde_json writing the records its
    // own files hold (read back from the export: CSV rows, brat lines split
    // at tabs with the text, CoNLL token/tag pairs by sentence, the Label
    // Studio and W3C JSON trees), so a format that holds more is measured
    // against writing more. CoNLL's floor does not include finding the
    // words and sentences (UAX #29), which its records need.
    if run("exports") {
        // `--format csv` measures one format, for profiling.
        let only_format = args.iter().position(|a| a == "--format").and_then(|i| args.get(i + 1));
        let formats = io::export::Format::ALL.into_iter().filter(|f| *f != io::export::Format::Jsonl);
        for format in formats.filter(|f| only_format.is_none_or(|o| *o == f.to_string())) {
            // The heap an export holds at its most as `sorot export` and
            // the window run it, streaming its files to disk, beside the
            // size of what it writes and of the document.
            let out = dir.path().join(format!("export-{format}"));
            let before = counting_alloc::live();
            counting_alloc::reset_peak();
            let written = format.write_to(&[&store], io::export::Offsets::CodePoints, None, &out, true);
            let peak = (counting_alloc::peak() - before).max(0) as f64;
            let bytes: u64 = written
                .map(|w| w.paths.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum())
                .unwrap_or(0);
            rows.push(Row {
                name: format!("{format} export to disk: heap at most"),
                value: format!("{:.1} MB", peak / 1e6),
                floor: format!("files {:.1} MB, document {:.1} MB", bytes as f64 / 1e6, file_len as f64 / 1e6),
                ratio: Some(peak / file_len as f64),
                target: "≤ the document's size + a constant (issue 15)",
                limit: None,
            });
            let e = format.export(&[&store], io::export::Offsets::CodePoints, None);
            let records = held_records(format, &e.files);
            drop(e);
            let pretty = format == io::export::Format::LabelStudio;
            let json = |records: &serde_json::Value| {
                if pretty { serde_json::to_vec_pretty(records) } else { serde_json::to_vec(records) }
            };
            // As `sorot export` runs it: streamed to disk, flushed and put
            // in place, against serde_json writing the records with the
            // same atomic write.
            let floor_path = dir.path().join(format!("floor-{format}.json"));
            let (t, floor) = median_pair(
                runs,
                || format.write_to(&[&store], io::export::Offsets::CodePoints, None, &out, true).is_ok(),
                || json(&records).map(|v| io::write_atomic(&floor_path, &v).is_ok()),
            );
            rows.push(Row {
                name: format!("{format} export to disk"),
                value: format!("{:.0} ms", ms(t)),
                floor: format!("{:.0} ms", ms(floor)),
                ratio: Some(t.as_secs_f64() / floor.as_secs_f64()),
                target: "(the same, both written to disk atomically)",
                limit: None,
            });
            let (t, floor) = median_pair(
                runs,
                || {
                    let e = format.export(&[&store], io::export::Offsets::CodePoints, None);
                    e.files.iter().map(|f| f.1.len()).sum::<usize>()
                },
                || json(&records).map(|v| v.len()).unwrap_or(0),
            );
            if format == io::export::Format::Conll {
                // What CoNLL's records need before they can be written:
                // the words and sentences of the text, as the export finds
                // them, and as unicode-segmentation alone finds them.
                let ours = median(runs, || {
                    let mut n = 0usize;
                    for line in store.text().as_str().split('\n') {
                        sorot::model::segment::for_each_sentence(line, |_, sentence| {
                            sorot::model::segment::for_each_word_bound(sentence, |_, w| {
                                n += usize::from(!w.trim().is_empty());
                            });
                        });
                    }
                    n
                });
                let crate_alone = median(runs, || {
                    let mut n = 0usize;
                    for line in store.text().as_str().split('\n') {
                        for sentence in line.split_sentence_bounds() {
                            n += sentence.split_word_bounds().filter(|w| !w.trim().is_empty()).count();
                        }
                    }
                    n
                });
                rows.push(Row {
                    name: "conll: words and sentences".into(),
                    value: format!("{:.0} ms", ms(ours)),
                    floor: format!("crate alone {:.0} ms", ms(crate_alone)),
                    ratio: Some(ours.as_secs_f64() / crate_alone.as_secs_f64()),
                    target: "(UAX #29: the crate asked only where ASCII rules do not decide)",
                    limit: None,
                });
            }
            rows.push(Row {
                name: format!("{format} export"),
                value: format!("{:.0} ms", ms(t)),
                floor: format!("{:.0} ms", ms(floor)),
                ratio: Some(t.as_secs_f64() / floor.as_secs_f64()),
                target: "≤ 2× serde_json of the records its files hold (issue 15)",
                limit: Some(2.0),
            });
        }
    }

    // Import of the same document as doccano JSONL (100k spans, 20k
    // relations), against reading and parsing that file with serde_json and
    // writing what it read to a file (the import writes a .sorot.ron).
    if run("import") {
        let jsonl_path = dir.path().join("fixture.jsonl");
        let e = io::export::jsonl(&[&store], io::export::Offsets::CodePoints);
        std::fs::write(&jsonl_path, e.files.first().map_or("", |f| f.1.as_str())).expect("jsonl");
        let mut schema = store.schema().clone();
        schema.name = "bench".into();
        let schema_path = dir.path().join("schema.ron");
        std::fs::write(&schema_path, ron::ser::to_string(&schema).unwrap_or_default()).expect("schema");
        let mut k = 0;
        let plan = |out: std::path::PathBuf| io::import::ImportPlan {
            format: io::import::ImportFormat::Jsonl,
            out,
            schema: Some(schema_path.clone()),
            add_labels: true,
            schema_from_data: false,
            offsets: io::export::Offsets::CodePoints,
            force: true,
        };
        match io::import::run(&plan(dir.path().join("imported")), std::slice::from_ref(&jsonl_path), &|_, _| {}) {
            Ok(r) => println!("import: {} spans, {} relations", r.spans, r.relations),
            Err(f) => println!("import failed: {:?} {}", f.problems.first(), f.advice),
        }
        let (import, floor) = median_pair(
            runs,
            || {
                k += 1;
                let plan = plan(dir.path().join(format!("imported-{k}")));
                io::import::run(&plan, std::slice::from_ref(&jsonl_path), &|_, _| {}).map(|r| r.spans).unwrap_or(0)
            },
            || {
                let src = std::fs::read_to_string(&jsonl_path).unwrap_or_default();
                let records: Vec<serde_json::Value> =
                    src.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
                let json = serde_json::to_string(&records).unwrap_or_default();
                io::atomic::write_atomic(&dir.path().join("import-floor.json"), json.as_bytes()).is_ok()
            },
        );
        rows.push(Row {
            name: "import doccano JSONL".into(),
            value: format!("{:.0} ms", ms(import)),
            floor: format!("{:.0} ms", ms(floor)),
            ratio: Some(import.as_secs_f64() / floor.as_secs_f64()),
            target: "≤ 3× serde_json parse + write of the records (issue 15)",
            limit: Some(3.0),
        });

        // The same document as a brat collection (.txt + .ann), against
        // reading both files, splitting the .ann lines at tabs into records
        // and writing them with serde_json and the same atomic write.
        let brat_dir = dir.path().join("brat-in");
        let written =
            io::export::Format::Brat.write_to(&[&store], io::export::Offsets::CodePoints, None, &brat_dir, true);
        let brat_files = written.map(|w| w.paths).unwrap_or_default();
        let brat_plan =
            |out: std::path::PathBuf| io::import::ImportPlan { format: io::import::ImportFormat::Brat, ..plan(out) };
        match io::import::run(&brat_plan(dir.path().join("imported-brat")), std::slice::from_ref(&brat_dir), &|_, _| {})
        {
            Ok(r) => println!("brat import: {} spans, {} relations", r.spans, r.relations),
            Err(f) => println!("brat import failed: {:?} {}", f.problems.first(), f.advice),
        }
        let (import, floor) = median_pair(
            runs,
            || {
                k += 1;
                let plan = brat_plan(dir.path().join(format!("imported-brat-{k}")));
                io::import::run(&plan, std::slice::from_ref(&brat_dir), &|_, _| {}).map(|r| r.spans).unwrap_or(0)
            },
            || {
                let mut records = Vec::new();
                for f in &brat_files {
                    let src = std::fs::read_to_string(f).unwrap_or_default();
                    if f.extension().is_some_and(|e| e == "ann") {
                        records.extend(src.lines().map(|l| serde_json::json!(l.split('\t').collect::<Vec<_>>())));
                    } else {
                        records.push(serde_json::json!(src));
                    }
                }
                let json = serde_json::to_string(&records).unwrap_or_default();
                io::atomic::write_atomic(&dir.path().join("import-floor.json"), json.as_bytes()).is_ok()
            },
        );
        rows.push(Row {
            name: "import brat".into(),
            value: format!("{:.0} ms", ms(import)),
            floor: format!("{:.0} ms", ms(floor)),
            ratio: Some(import.as_secs_f64() / floor.as_secs_f64()),
            target: "≤ 3× reading the .txt and .ann lines + serde_json write of them (issue 15)",
            limit: Some(3.0),
        });
    }

    // Memory per annotation beyond the text.
    let before = counting_alloc::live();
    let text_only = Text::new(store.text().as_str().to_owned());
    let text_bytes = counting_alloc::live() - before;
    drop(text_only);
    let before = counting_alloc::live();
    let loaded_store = io::load_annotations(&path).expect("load");
    let live = counting_alloc::live() - before;
    let items = loaded_store.spans().len() + loaded_store.relations().len() + loaded_store.entities().len();
    let per = (live - text_bytes) as f64 / items.max(1) as f64;
    rows.push(Row {
        name: "memory per annotation".into(),
        value: format!("{per:.0} B"),
        floor: format!("text {:.1} MB", text_bytes as f64 / 1e6),
        ratio: None,
        target: "≤ 64 B beyond the text",
        limit: None,
    });

    // Hit testing and single edits: the large document vs one a hundred
    // times smaller with the same density of annotations.
    let small = sorot::fixture::store(mb * 10_000, spans / 100, spans / 500, 42);
    let per_op = |s: &Store| {
        let len = s.text().len();
        let n = 20_000;
        let t = Instant::now();
        let mut hits = 0;
        for i in 0..n {
            hits += s.spans_at((i * 7919) % len).len();
        }
        std::hint::black_box(hits);
        let hit = t.elapsed() / n as u32;
        let mut s = s.clone();
        let label = s.schema().label_index("Claim").unwrap_or(0) as u16;
        let add_remove = |s: &mut Store, i: usize| {
            let id = SpanId(s.alloc_id());
            let at = s.text().grapheme_floor((i * 7919) % (len - 1));
            let end = s.text().grapheme_ceil(at + 1);
            let span = Span::new(
                id,
                label,
                [ByteRange::new(at, end)].into_iter().collect(),
                Provenance::new("b", Timestamp(0)),
            );
            let _ = s.apply(Edit::AddSpan(span));
            let _ = s.apply(Edit::RemoveSpan(id));
        };
        // The clone shares its tables: the first edit copies them (once).
        add_remove(&mut s, 0);
        let t = Instant::now();
        for i in 0..n {
            add_remove(&mut s, i);
        }
        (hit, t.elapsed() / n as u32)
    };
    let (hit_small, edit_small) = per_op(&small);
    let (hit_large, edit_large) = per_op(&store);
    let small_name = format!("{:.1} MB: ", small.text().len() as f64 / 1e6);
    rows.push(Row {
        name: "hit test under the mouse".into(),
        value: format!("{:.2} µs", hit_large.as_secs_f64() * 1e6),
        floor: format!("{small_name}{:.2} µs", hit_small.as_secs_f64() * 1e6),
        ratio: Some(hit_large.as_secs_f64() / hit_small.as_secs_f64()),
        target: "independent of size",
        limit: None,
    });
    rows.push(Row {
        name: "add + remove one span".into(),
        value: format!("{:.2} µs", edit_large.as_secs_f64() * 1e6),
        floor: format!("{small_name}{:.2} µs", edit_small.as_secs_f64() * 1e6),
        ratio: Some(edit_large.as_secs_f64() / edit_small.as_secs_f64()),
        target: "independent of size",
        limit: None,
    });

    println!("{:<30} {:>12} {:>16} {:>8}  target", "", "Sorot", "floor", "ratio");
    let mut over = Vec::new();
    for r in &rows {
        let ratio = r.ratio.map_or(String::new(), |x| format!("{x:.2}×"));
        println!("{:<30} {:>12} {:>16} {:>8}  {}", r.name, r.value, r.floor, ratio, r.target);
        if let (Some(x), Some(l)) = (r.ratio, r.limit)
            && x > l * 1.25
        {
            over.push(format!("{}: {x:.2}× (target {l}×)", r.name));
        }
    }
    if check && !over.is_empty() {
        eprintln!("over target by more than 25 %: {}", over.join("; "));
        std::process::exit(1);
    }
}
