//! Web pages: how well and how fast they open as their article, on the
//! article-extraction benchmark (181 real pages with their article bodies,
//! scored by the benchmark's own `evaluate.py`).
//!
//! `cargo bench --bench web [-- --data DIR]`; DIR defaults to
//! `../shared/data/article-extraction-benchmark` and holds `html/*.html.gz`,
//! `ground-truth.json` and `evaluate.py`. Sorot's texts are written to
//! `target/web-bench/output/sorot.json` beside copies of the reference
//! outputs, and `python3 evaluate.py` scores them all. Timings are of the
//! whole open path (decoding, extraction, rules, metadata) against the floor
//! of parsing the same page into a DOM.

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sorot::io::article::{ArticleFormat, decode_article_as};
use sorot::model::TextMode;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let data =
        args.iter().position(|a| a == "--data").and_then(|i| args.get(i + 1)).map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/article-extraction-benchmark")
        });
    if !data.join("ground-truth.json").is_file() {
        println!("web: no benchmark at {} (pass --data DIR); nothing measured", data.display());
        return Ok(());
    }
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(data.join("ground-truth.json"))?)?;
    let mut pages = Vec::new();
    for id in truth.keys() {
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(data.join(format!("html/{id}.html.gz")))?)
            .read_to_end(&mut html)?;
        pages.push((id.clone(), html));
    }
    let total_bytes: usize = pages.iter().map(|(_, h)| h.len()).sum();

    // The floor: parsing each page into a DOM, nothing else.
    let t = Instant::now();
    for (_, html) in &pages {
        std::hint::black_box(scraper::Html::parse_document(&String::from_utf8_lossy(html)));
    }
    let floor = t.elapsed();

    let mut out = serde_json::Map::new();
    let mut times = Vec::new();
    let mut failed = Vec::new();
    let mut fell_back = 0;
    let t = Instant::now();
    for (id, html) in &pages {
        let t1 = Instant::now();
        let text = match decode_article_as(html, ArticleFormat::Html, TextMode::Article) {
            Ok(a) => {
                fell_back += usize::from(a.note.is_some());
                a.text
            }
            Err(e) => {
                failed.push(format!("{id}: {e}"));
                String::new()
            }
        };
        times.push((html.len(), t1.elapsed()));
        out.insert(id.clone(), serde_json::json!({ "articleBody": text }));
    }
    let all = t.elapsed();
    // "A typical news page": the pages of 150-250 KB.
    let mut typical: Vec<f64> =
        times.iter().filter(|(b, _)| (150_000..250_000).contains(b)).map(|&(_, d)| ms(d)).collect();
    typical.sort_by(f64::total_cmp);
    let median = typical.get(typical.len() / 2).copied().unwrap_or(f64::NAN);
    let worst = times.iter().map(|&(_, d)| ms(d)).fold(0.0, f64::max);
    println!(
        "web: {} pages, {:.1} MB: opened as articles in {:.2} s (DOM parse floor {:.2} s, {:.1}x); \
         typical 150-250 KB page (n={}) median {median:.1} ms; worst page {worst:.0} ms; \
         {} failed; {fell_back} opened as the whole page (no article found)",
        pages.len(),
        total_bytes as f64 / 1e6,
        all.as_secs_f64(),
        floor.as_secs_f64(),
        all.as_secs_f64() / floor.as_secs_f64(),
        typical.len(),
        failed.len()
    );
    for f in &failed {
        println!("  failed: {f}");
    }

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/web-bench");
    std::fs::create_dir_all(dir.join("output"))?;
    for f in ["ground-truth.json", "evaluate.py"] {
        std::fs::copy(data.join(f), dir.join(f))?;
    }
    if let Ok(refs) = std::fs::read_dir(data.join("output")) {
        for r in refs.flatten() {
            std::fs::copy(r.path(), dir.join("output").join(r.file_name()))?;
        }
    }
    std::fs::write(
        dir.join("output/sorot.json"),
        serde_json::to_string(&serde_json::json!({ "version": sorot::io::web::ENGINE, "output": out }))?,
    )?;
    match std::process::Command::new("python3").arg("evaluate.py").current_dir(&dir).status() {
        Ok(s) if s.success() => {}
        other => println!("web: python3 evaluate.py did not run ({other:?}); the texts are in {}", dir.display()),
    }
    Ok(())
}
