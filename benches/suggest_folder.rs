//! Suggestions for a folder of 10,000 articles (issue #17's memory
//! target: the model and the dictionary at most 200 MB): generated news
//! articles of about 2 KB with 15 spans each (`sorot::fixture::store`,
//! random words of several scripts, so many more distinct words than real
//! news), the model trained on all of them and the dictionary built; the
//! live heap they keep, and the peak while training, counted by the
//! allocator. The floor: the stores themselves.
//!
//! `cargo bench --bench suggest_folder [-- ARTICLES]` (default 10,000).

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

use std::time::Instant;

use sorot::model::Store;
use sorot::suggest::{self, Perceptron, dictionary::Dictionary};

fn mb(b: isize) -> f64 {
    b as f64 / 1e6
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let before = counting_alloc::live();
    let t = Instant::now();
    let stores: Vec<Store> = (0..n).map(|i| sorot::fixture::store(2_000, 15, 0, i as u64 + 1)).collect();
    let made = t.elapsed().as_secs_f64();
    let stores_bytes = counting_alloc::live() - before;
    let refs: Vec<&Store> = stores.iter().collect();
    let labels = suggest::labels_in(&refs, None);
    let sentences: usize = refs.iter().map(|s| suggest::sequences(s, &labels).len()).sum();

    counting_alloc::reset_peak();
    let base = counting_alloc::live();
    let t = Instant::now();
    let model = suggest::train(&Perceptron::default(), &refs, &labels, &|_, _| {});
    let train_s = t.elapsed().as_secs_f64();
    let train_peak = counting_alloc::peak() - base;
    let t = Instant::now();
    let dictionary = Dictionary::build(&refs, false);
    let dict_s = t.elapsed().as_secs_f64();
    let kept = counting_alloc::live() - base;
    let peak = counting_alloc::peak() - base;
    println!(
        "{n} articles ({sentences} sentences, {} labels; made in {made:.1} s, {:.0} MB as stores — the floor): \
         training {train_s:.1} s, dictionary of {} texts {dict_s:.2} s; model + dictionary keep {:.0} MB \
         (target 200 MB; model alone {:.0} MB), peak while training the model {:.0} MB, while making the dictionary \
         {:.0} MB above the stores",
        labels.len(),
        mb(stores_bytes),
        dictionary.len(),
        mb(kept),
        mb(model.heap_bytes() as isize),
        mb(train_peak),
        mb(peak)
    );
    // Suggestions for one more article with this model.
    let article = sorot::fixture::store(2_000, 0, 0, 0);
    let t = Instant::now();
    let found = suggest::combine(
        dictionary.suggest(article.text().as_str()),
        suggest::suggest(model.as_ref(), article.text().as_str()),
    );
    println!(
        "suggestions for a 2 KB article with them: {:.1} ms ({} found)",
        t.elapsed().as_secs_f64() * 1000.0,
        found.len()
    );
}
