//! A folder at corpus scale, against floors measured in the same run:
//! search (first result and all results, against `grep -o -i -r` reading
//! the same files), label-all over 10,000 hits, the consistency check and
//! the folder scan behind the folder list.
//!
//! `cargo bench --bench corpus` (500 files, 50 MB of text, 500k spans);
//! `-- --files N --kb K --spans S` for other sizes (S spans per file).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use sorot::io;
use sorot::io::search::{FileResult, Source};
use sorot::model::Timestamp;
use sorot::model::search::{Matcher, Query};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
    let (files, kb, spans) = (arg("--files", 500), arg("--kb", 100), arg("--spans", 1000));
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let mut text_bytes = 0;
    for i in 0..files {
        let store = sorot::fixture::store(kb * 1000, spans, spans / 5, 1000 + i as u64);
        text_bytes += store.text().len();
        io::save_annotations(&dir.path().join(format!("doc-{i:04}.sorot.ron")), &store).expect("save");
    }
    println!(
        "corpus: {files} files, {:.1} MB of text, {} spans; written in {:.1} s",
        text_bytes as f64 / 1e6,
        files * spans,
        t.elapsed().as_secs_f64()
    );
    let inputs = vec![dir.path().to_owned()];
    let cancel = AtomicBool::new(false);

    // Search: plain text, ignoring case, as `grep -o -i -r` does.
    let word = "Rusia";
    let query = Query { pattern: word.into(), ignore_case: true, ..Query::default() };
    let matcher = Matcher::new(&query).expect("query");
    let t = Instant::now();
    let sources = io::search::sources(&inputs);
    let mut first = None;
    let mut hits = 0;
    io::search::search(&sources, &matcher, None, &cancel, |_, _, r| {
        if let FileResult::Hits(h) = r {
            if first.is_none() && !h.hits.is_empty() {
                first = Some(t.elapsed());
            }
            hits += h.hits.len();
        }
    });
    let all = t.elapsed();
    let t = Instant::now();
    let grep = std::process::Command::new("grep").args(["-o", "-i", "-r", word]).arg(dir.path()).output();
    let grep_time = t.elapsed();
    let grep_hits = grep.as_ref().map(|o| o.stdout.iter().filter(|&&b| b == b'\n').count()).unwrap_or(0);
    let first = first.unwrap_or_default();
    println!("search {word:?}: {hits} hits (grep finds {grep_hits} lines: it also reads the quotes in the files)");
    println!("  first result        {:>9.1} ms   target ≤ 100 ms", ms(first));
    match grep {
        Ok(_) => println!(
            "  all results         {:>9.1} ms   grep -o -i -r {:.1} ms   {:.2}×   target ≤ 3×",
            ms(all),
            ms(grep_time),
            all.as_secs_f64() / grep_time.as_secs_f64()
        ),
        Err(e) => println!("  all results         {:>9.1} ms   (no grep here: {e})", ms(all)),
    }

    // Label-all over the first files until 10,000 hits.
    let mut take = Vec::new();
    let mut n = 0;
    for s in &sources {
        let store = s.load().expect("load");
        n += matcher.search(&store).map(|h| h.len()).unwrap_or(0);
        take.push(s.clone());
        if n >= 10_000 {
            break;
        }
    }
    let t = Instant::now();
    let mut added = 0;
    let how = io::search::LabelAll { label: "Country".into(), link: None, author: "bench".into(), now: Timestamp(0) };
    io::search::label_all(&take, &matcher, &how, &cancel, |_, _, r| {
        if let Ok(l) = r {
            added += l.plan.added;
        }
    });
    let label_time = t.elapsed();
    // Floor: reading and writing the same files once (what any label-all must do).
    let t = Instant::now();
    for s in &take {
        let p: PathBuf = s.annotation_path().to_owned();
        let bytes = std::fs::read(&p).expect("read");
        io::write_atomic(&p.with_extension("copy"), &bytes).expect("write");
    }
    let io_floor = t.elapsed();
    println!(
        "label all: {n} hits in {} files, {added} new spans: {:.0} ms   read+write floor {:.0} ms   {:.1}×   target ≤ 2000 ms",
        take.len(),
        ms(label_time),
        ms(io_floor),
        label_time.as_secs_f64() / io_floor.as_secs_f64()
    );

    // The consistency check of the whole folder.
    let only_files: Vec<Source> = io::search::sources(&inputs);
    let t = Instant::now();
    let report = io::search::check(&only_files, None, &cancel, |_, _| {});
    println!(
        "check: {} findings in {} files: {:.0} ms ({:.1} ms per file)",
        report.findings.len(),
        report.documents,
        ms(t.elapsed()),
        ms(t.elapsed()) / files.max(1) as f64
    );

    // The folder list: each file's header and the lines of its lists.
    let t = Instant::now();
    let corpus = io::corpus::scan(dir.path(), |_, _| {}).expect("scan");
    let scan = t.elapsed();
    let t = Instant::now();
    let bytes: usize = only_files.iter().map(|s| std::fs::read(s.annotation_path()).map_or(0, |b| b.len())).sum();
    let read = t.elapsed();
    println!(
        "folder list (scan of {} entries): {:.0} ms   reading the {:.0} MB of files: {:.0} ms   {:.2}×   target ≤ 1000 ms",
        corpus.entries.len(),
        ms(scan),
        bytes as f64 / 1e6,
        ms(read),
        scan.as_secs_f64() / read.as_secs_f64()
    );
}
