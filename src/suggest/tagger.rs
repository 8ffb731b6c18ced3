//! The sequence model: a first-order structured averaged perceptron over
//! the features a strong tagger uses, decoding IOB2 tags with Viterbi.
//!
//! Behind [`Learner`] and [`Model`], so a better learner can replace it.
//! Training makes a few passes over the sentences in a fixed shuffled
//! order (deterministic: the same data gives the same model), updating the
//! weights where the decoded tags differ from the analyst's; the averaged
//! weights are kept, and only the features that carry weight, so a model
//! is small.

use std::collections::HashMap;

/// A sentence for training: its words and their tags (see [`tag_of`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sequence {
    pub words: Vec<String>,
    pub tags: Vec<u16>,
}

/// IOB2 tags: 0 is outside; label `k` begins with `2k + 1` and continues
/// with `2k + 2`.
pub fn tag_of(label: usize, begin: bool) -> u16 {
    (2 * label + if begin { 1 } else { 2 }) as u16
}

/// The label of a tag, and whether it begins a span (`None` for outside).
pub fn label_of(tag: u16) -> Option<(usize, bool)> {
    (tag > 0).then(|| (usize::from(tag - 1) / 2, tag % 2 == 1))
}

/// The spans of an IOB2 tagging, as `(first word, end word, label)`: a
/// begin tag, or an inside tag of another label than the open span's,
/// starts a span (as seqeval reads IOB2).
pub fn chunks(tags: &[u16]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match label_of(t) {
            Some((k, false)) if open.is_some_and(|(_, j)| j == k) => {}
            Some((k, _)) => {
                if let Some((s, j)) = open.take() {
                    out.push((s, i, j));
                }
                open = Some((i, k));
            }
            None => {
                if let Some((s, j)) = open.take() {
                    out.push((s, i, j));
                }
            }
        }
    }
    if let Some((s, j)) = open {
        out.push((s, tags.len(), j));
    }
    out
}

/// Sentences of `(word, tag)` pairs with IOB2 tag names (`O`, `B-PER`,
/// `I-PER`; what `io::import::conll::parse` reads) as sequences, and the
/// labels in the order first met. A tag that is neither `B-` nor `I-` is
/// outside.
pub fn sequences_of<'a>(sentences: impl IntoIterator<Item = &'a [(String, String)]>) -> (Vec<Sequence>, Vec<String>) {
    let mut labels: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for sentence in sentences {
        let mut s = Sequence::default();
        for (word, tag) in sentence {
            s.words.push(word.clone());
            s.tags.push(match tag.split_once('-') {
                Some((p @ ("B" | "I"), l)) if !l.is_empty() => {
                    let k = labels.iter().position(|x| x == l).unwrap_or_else(|| {
                        labels.push(l.to_owned());
                        labels.len() - 1
                    });
                    tag_of(k, p == "B")
                }
                _ => 0,
            });
        }
        out.push(s);
    }
    (out, labels)
}

/// What trains a [`Model`].
pub trait Learner {
    /// A short name with the version of the method, recorded with every
    /// suggestion it makes (`perceptron 1`).
    fn name(&self) -> String;
    /// Trains on `data` with `labels` (tags as [`tag_of`] numbers them);
    /// `progress(done, total)` is called between passes.
    fn train(&self, data: &[Sequence], labels: &[String], progress: &dyn Fn(usize, usize)) -> Box<dyn Model>;
}

/// A trained tagger.
pub trait Model: Send + Sync {
    fn labels(&self) -> &[String];
    /// The learner and version that made it.
    fn version(&self) -> &str;
    /// The tag of each word, and how sure the model is of it: the margin by
    /// which the best tagging beats the best one with another tag there,
    /// mapped to 0..1 (0.5: a tie).
    fn tag(&self, words: &[&str]) -> Vec<(u16, f32)>;
    /// Bytes the model holds (for the memory budget).
    fn heap_bytes(&self) -> usize;
}

/// The structured averaged perceptron.
#[derive(Clone, Debug)]
pub struct Perceptron {
    /// Passes over the data.
    pub epochs: usize,
    /// How many features (4 bytes each) are kept from pass to pass; the
    /// sentences past them are read again on every pass.
    pub features_kept: usize,
}

impl Default for Perceptron {
    fn default() -> Self {
        Perceptron { epochs: 8, features_kept: 24 << 20 }
    }
}

/// FNV-1a over a template number and its parts: a feature's key.
fn key(template: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(template);
    h = h.wrapping_mul(0x0100_0000_01b3);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// What the features need of a word, computed once per word.
struct WordInfo {
    lower: String,
    shape: String,
    short_shape: String,
    title: bool,
    upper: bool,
    digit: bool,
}

fn word_info(w: &str) -> WordInfo {
    let lower = w.to_lowercase();
    let mut shape = String::with_capacity(w.len());
    let mut short_shape = String::new();
    for c in w.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if shape.chars().count() < 8 {
            shape.push(s);
        }
        if !short_shape.ends_with(s) {
            short_shape.push(s);
        }
    }
    let mut chars = w.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let title = first_upper && chars.all(|c| !c.is_uppercase());
    let upper = w.chars().any(char::is_alphabetic) && w.chars().all(|c| !c.is_lowercase());
    let digit = w.chars().any(|c| c.is_ascii_digit());
    WordInfo { lower, shape, short_shape, title, upper, digit }
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

const QUOTES: &[char] = &['"', '“', '”', '„', '«', '»', '‘', '’', '\''];

/// The feature keys of every word of a sentence, `per word` lists end to end.
fn sentence_features(words: &[&str], out: &mut Vec<u64>, ends: &mut Vec<usize>) {
    let info: Vec<WordInfo> = words.iter().map(|w| word_info(w)).collect();
    let pad = "<s>";
    let lower =
        |j: isize| -> &str { if j < 0 || j as usize >= info.len() { pad } else { info[j as usize].lower.as_str() } };
    let shape = |j: isize| -> &str {
        if j < 0 || j as usize >= info.len() { pad } else { info[j as usize].short_shape.as_str() }
    };
    let flag = |b: bool| if b { "1" } else { "0" };
    let mut in_quote = false;
    for (i, w) in info.iter().enumerate() {
        let j = i as isize;
        let word = words[i];
        let is_quote = word.chars().count() == 1 && word.starts_with(QUOTES);
        out.push(key(0, &[]));
        out.push(key(1, &[&w.lower]));
        out.push(key(2, &[word]));
        for n in 1..=4 {
            out.push(key(3, &[&n.to_string(), prefix(&w.lower, n)]));
            out.push(key(4, &[&n.to_string(), suffix(&w.lower, n)]));
        }
        out.push(key(5, &[&w.shape]));
        out.push(key(6, &[&w.short_shape]));
        out.push(key(7, &[flag(w.title), flag(w.upper), flag(w.digit)]));
        out.push(key(8, &[lower(j - 1)]));
        out.push(key(9, &[lower(j + 1)]));
        out.push(key(10, &[lower(j - 2)]));
        out.push(key(11, &[lower(j + 2)]));
        out.push(key(12, &[lower(j - 1), &w.lower]));
        out.push(key(13, &[&w.lower, lower(j + 1)]));
        out.push(key(14, &[shape(j - 1), &w.short_shape]));
        out.push(key(15, &[&w.short_shape, shape(j + 1)]));
        out.push(key(16, &[shape(j - 1)]));
        out.push(key(17, &[shape(j + 1)]));
        out.push(key(18, &[suffix(lower(j - 1), 3)]));
        out.push(key(19, &[flag(i == 0), flag(w.title)]));
        out.push(key(20, &[flag(in_quote), flag(w.title)]));
        if is_quote {
            in_quote = !in_quote;
        }
        ends.push(out.len());
    }
}

/// How many feature keys the words of a sentence have (the benchmark's
/// floor: what any learner over these features must compute).
pub fn feature_count(words: &[&str]) -> usize {
    let mut keys = Vec::new();
    let mut ends = Vec::new();
    sentence_features(words, &mut keys, &mut ends);
    keys.len()
}

/// Weights of a trained model: for each kept feature, the tags it has a
/// weight for.
#[derive(Clone, Debug)]
pub struct PerceptronModel {
    labels: Vec<String>,
    version: String,
    n_tags: usize,
    features: HashMap<u64, (u32, u32)>,
    /// `(tag, weight)` lists, indexed by `features`.
    weights: Vec<(u16, f32)>,
    /// `(n_tags + 1) × n_tags`: from each tag (the last row: the start) to each.
    transitions: Vec<f32>,
    /// Margins are divided by this before the logistic: twice the median
    /// margin of the names the model finds in its own training text, so
    /// a typical suggestion scores 0.88 and a tie 0.5.
    scale: f32,
}

/// Whether `to` may follow `from` in IOB2 (`None`: the sentence start).
fn allowed(from: Option<u16>, to: u16) -> bool {
    match label_of(to) {
        Some((k, false)) => from.and_then(label_of).is_some_and(|(j, _)| j == k),
        _ => true,
    }
}

/// Viterbi over `emit` (`n × t` scores) and `trans`; with `margins`, also
/// how far each chosen tag is ahead of the best path with another tag at
/// that word.
fn viterbi(emit: &[f32], trans: &[f32], t: usize, margins: Option<&mut Vec<f32>>) -> Vec<u16> {
    let n = emit.len() / t;
    if n == 0 {
        return Vec::new();
    }
    const NO: f32 = f32::NEG_INFINITY;
    let mut score = vec![NO; n * t];
    let mut back = vec![0u16; n * t];
    for y in 0..t {
        if allowed(None, y as u16) {
            score[y] = trans[t * t + y] + emit[y];
        }
    }
    for i in 1..n {
        for y in 0..t {
            let mut best = NO;
            let mut arg = 0u16;
            for x in 0..t {
                let prev = score[(i - 1) * t + x];
                if prev == NO || !allowed(Some(x as u16), y as u16) {
                    continue;
                }
                let s = prev + trans[x * t + y];
                if s > best {
                    best = s;
                    arg = x as u16;
                }
            }
            if best > NO {
                score[i * t + y] = best + emit[i * t + y];
                back[i * t + y] = arg;
            }
        }
    }
    let mut tags = vec![0u16; n];
    let last = (0..t).max_by(|&a, &b| score[(n - 1) * t + a].total_cmp(&score[(n - 1) * t + b])).unwrap_or(0);
    tags[n - 1] = last as u16;
    for i in (1..n).rev() {
        tags[i - 1] = back[i * t + usize::from(tags[i])];
    }
    if let Some(margins) = margins {
        // Max-marginals: the best path through (i, y) is the forward score
        // plus the best continuation from it.
        let mut after = vec![NO; n * t];
        for y in 0..t {
            after[(n - 1) * t + y] = 0.0;
        }
        for i in (0..n - 1).rev() {
            for x in 0..t {
                let mut best = NO;
                for y in 0..t {
                    let next = after[(i + 1) * t + y];
                    if next == NO || !allowed(Some(x as u16), y as u16) {
                        continue;
                    }
                    best = best.max(trans[x * t + y] + emit[(i + 1) * t + y] + next);
                }
                after[i * t + x] = best;
            }
        }
        margins.clear();
        for (i, &tag) in tags.iter().enumerate() {
            let through = |y: usize| {
                let (a, b) = (score[i * t + y], after[i * t + y]);
                if a == NO || b == NO { NO } else { a + b }
            };
            let mine = through(usize::from(tag));
            let other = (0..t).filter(|&y| y != usize::from(tag)).map(through).fold(NO, f32::max);
            margins.push(if other == NO { f32::INFINITY } else { mine - other });
        }
    }
    tags
}

impl Learner for Perceptron {
    fn name(&self) -> String {
        "perceptron 1".into()
    }

    fn train(&self, data: &[Sequence], labels: &[String], progress: &dyn Fn(usize, usize)) -> Box<dyn Model> {
        let t = 2 * labels.len() + 1;
        // Every sentence's features, as dense indices, kept for the passes
        // up to FEATURES_KEPT of them; a sentence past that is read again on
        // each pass (a 10,000-article folder's were 400 MB).
        let mut index: HashMap<u64, u32> = HashMap::new();
        let mut feats: Vec<u32> = Vec::new();
        // Each kept sentence's word ends, relative to its first feature.
        let mut word_ends: Vec<u32> = Vec::new();
        // (sentence, where its kept features and word ends start)
        let mut sentences: Vec<(&Sequence, Option<(usize, usize)>)> = Vec::with_capacity(data.len());
        let mut keys = Vec::new();
        let mut ends = Vec::new();
        for s in data {
            if s.words.is_empty() || s.words.len() != s.tags.len() {
                continue;
            }
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            keys.clear();
            ends.clear();
            sentence_features(&words, &mut keys, &mut ends);
            let keep = feats.len() + keys.len() <= self.features_kept;
            let at = (feats.len(), word_ends.len());
            for &k in &keys {
                let next = index.len() as u32;
                let f = *index.entry(k).or_insert(next);
                if keep {
                    feats.push(f);
                }
            }
            if keep {
                word_ends.extend(ends.iter().map(|&e| e as u32));
            }
            sentences.push((s, keep.then_some(at)));
        }
        let (mut again, mut again_ends) = (Vec::new(), Vec::new());
        // Weights (and their running sums for the average) only for the
        // features an update touched: a block of `t` at `slot[f]`. Most
        // features of a large folder are never updated; dense weights for
        // all of them were most of a 700 MB training peak. The arithmetic
        // is that of dense weights (an untouched feature weighs 0).
        const NONE: u32 = u32::MAX;
        let mut slot: Vec<u32> = vec![NONE; index.len()];
        let mut w: Vec<f32> = Vec::new();
        let mut u: Vec<f32> = Vec::new();
        let mut tw = vec![0f32; (t + 1) * t];
        let mut tu = vec![0f32; (t + 1) * t];
        let mut c: f32 = 1.0;
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut emit = Vec::new();
        for epoch in 0..self.epochs {
            progress(epoch, self.epochs);
            // A fixed shuffle per pass (xorshift; Fisher–Yates).
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            for &si in &order {
                let (sentence, kept) = sentences[si];
                let gold: &[u16] = &sentence.tags;
                let n = gold.len();
                let (fs, ends): (&[u32], &[u32]) = match kept {
                    Some((f, e)) => {
                        let ends = &word_ends[e..e + n];
                        (&feats[f..f + ends[n - 1] as usize], ends)
                    }
                    None => {
                        let words: Vec<&str> = sentence.words.iter().map(String::as_str).collect();
                        keys.clear();
                        ends.clear();
                        sentence_features(&words, &mut keys, &mut ends);
                        again.clear();
                        again.extend(keys.iter().map(|k| index.get(k).copied().unwrap_or(0)));
                        again_ends.clear();
                        again_ends.extend(ends.iter().map(|&e| e as u32));
                        (&again, &again_ends)
                    }
                };
                let word = |i: usize| &fs[if i == 0 { 0 } else { ends[i - 1] as usize }..ends[i] as usize];
                emit.clear();
                emit.resize(n * t, 0.0);
                for i in 0..n {
                    let row = &mut emit[i * t..(i + 1) * t];
                    for &f in word(i) {
                        let at = slot[f as usize];
                        if at == NONE {
                            continue;
                        }
                        let base = at as usize * t;
                        for (r, x) in row.iter_mut().zip(&w[base..base + t]) {
                            *r += x;
                        }
                    }
                }
                let pred = viterbi(&emit, &tw, t, None);
                if pred != gold {
                    for i in 0..n {
                        let (g, p) = (usize::from(gold[i]), usize::from(pred[i]));
                        if g != p {
                            for &f in word(i) {
                                let at = &mut slot[f as usize];
                                if *at == NONE {
                                    *at = (w.len() / t) as u32;
                                    w.resize(w.len() + t, 0.0);
                                    u.resize(u.len() + t, 0.0);
                                }
                                let base = *at as usize * t;
                                w[base + g] += 1.0;
                                u[base + g] += c;
                                w[base + p] -= 1.0;
                                u[base + p] -= c;
                            }
                        }
                        let gp = if i == 0 { t } else { usize::from(gold[i - 1]) };
                        let pp = if i == 0 { t } else { usize::from(pred[i - 1]) };
                        if (gp, g) != (pp, p) {
                            tw[gp * t + g] += 1.0;
                            tu[gp * t + g] += c;
                            tw[pp * t + p] -= 1.0;
                            tu[pp * t + p] -= c;
                        }
                    }
                }
                c += 1.0;
            }
        }
        progress(self.epochs, self.epochs);
        // Averaged weights; features with none are dropped.
        let mut features = HashMap::new();
        let mut weights = Vec::new();
        for (k, f) in index {
            let at = slot[f as usize];
            if at == NONE {
                continue;
            }
            let base = at as usize * t;
            let start = weights.len();
            for y in 0..t {
                let avg = w[base + y] - u[base + y] / c;
                if avg != 0.0 {
                    weights.push((y as u16, avg));
                }
            }
            if weights.len() > start {
                features.insert(k, (start as u32, weights.len() as u32));
            }
        }
        let transitions = tw.iter().zip(&tu).map(|(w, u)| w - u / c).collect();
        let mut model = PerceptronModel {
            labels: labels.to_vec(),
            version: self.name(),
            n_tags: t,
            features,
            weights,
            transitions,
            scale: 1.0,
        };
        // The scale: margins of what it tags as names, on (up to 2,000 of)
        // its training sentences.
        let mut margins: Vec<f32> = Vec::new();
        for s in data.iter().take(2000) {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            margins.extend(model.margins(&words).into_iter().filter(|(y, m)| *y != 0 && m.is_finite()).map(|(_, m)| m));
        }
        if !margins.is_empty() {
            let mid = margins.len() / 2;
            margins.select_nth_unstable_by(mid, f32::total_cmp);
            model.scale = (margins[mid] / 2.0).max(1e-3);
        }
        Box::new(model)
    }
}

impl Model for PerceptronModel {
    fn labels(&self) -> &[String] {
        &self.labels
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn tag(&self, words: &[&str]) -> Vec<(u16, f32)> {
        self.margins(words).into_iter().map(|(y, m)| (y, 1.0 / (1.0 + (-m / self.scale).exp()))).collect()
    }

    fn heap_bytes(&self) -> usize {
        self.features.capacity() * (8 + 8 + 8)
            + self.weights.capacity() * 8
            + self.transitions.capacity() * 4
            + self.labels.iter().map(String::capacity).sum::<usize>()
    }
}

impl PerceptronModel {
    /// Each word's tag and the raw margin of the best tagging over the best
    /// with another tag there.
    fn margins(&self, words: &[&str]) -> Vec<(u16, f32)> {
        let t = self.n_tags;
        let mut keys = Vec::new();
        let mut ends = Vec::new();
        sentence_features(words, &mut keys, &mut ends);
        let mut emit = vec![0f32; words.len() * t];
        let mut from = 0;
        for (i, &end) in ends.iter().enumerate() {
            for k in &keys[from..end] {
                if let Some(&(a, b)) = self.features.get(k) {
                    for &(y, wt) in &self.weights[a as usize..b as usize] {
                        emit[i * t + usize::from(y)] += wt;
                    }
                }
            }
            from = end;
        }
        let mut margins = Vec::new();
        let tags = viterbi(&emit, &self.transitions, t, Some(&mut margins));
        tags.into_iter().zip(margins).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(text: &str) -> Sequence {
        // `Word/TAG` with TAG one of O, B-P, I-P, B-L, I-L (labels P = 0, L = 1).
        let mut s = Sequence::default();
        for item in text.split(' ') {
            let (w, tag) = item.rsplit_once('/').unwrap();
            s.words.push(w.to_owned());
            s.tags.push(match tag {
                "B-P" => tag_of(0, true),
                "I-P" => tag_of(0, false),
                "B-L" => tag_of(1, true),
                "I-L" => tag_of(1, false),
                _ => 0,
            });
        }
        s
    }

    /// Five sentences with persons (P) and places (L).
    fn five_sentences() -> (Vec<Sequence>, [String; 2]) {
        let train = [
            "Kata/O Dmitry/B-P Peskov/I-P di/O Moskow/B-L ./O",
            "Menurut/O Joko/B-P Widodo/I-P di/O Jakarta/B-L ./O",
            "Kata/O Ani/B-P di/O Bandung/B-L ./O",
            "Menurut/O Budi/B-P Santoso/I-P di/O Surabaya/B-L ./O",
            "Ia/O tinggal/O di/O Medan/B-L ./O",
        ]
        .iter()
        .map(|s| seq(s))
        .collect();
        (train, ["P".to_owned(), "L".to_owned()])
    }

    #[test]
    fn it_learns_names_from_context_and_decodes_valid_tags() {
        let (train, labels) = five_sentences();
        let model = Perceptron::default().train(&train, &labels, &|_, _| {});
        for s in &train {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            let got: Vec<u16> = model.tag(&words).into_iter().map(|(t, _)| t).collect();
            assert_eq!(got, s.tags, "{words:?}");
        }
        // Unseen names in a seen frame.
        let tagged = model.tag(&["Menurut", "Sari", "Dewi", "di", "Bogor", "."]);
        let tags: Vec<u16> = tagged.iter().map(|(t, _)| *t).collect();
        assert_eq!(tags, [0, tag_of(0, true), tag_of(0, false), 0, tag_of(1, true), 0]);
        assert!(tagged.iter().all(|(_, p)| (0.0..=1.0).contains(p)));
        // Never an I without its B.
        let odd = model.tag(&["Dewi"]);
        assert!(label_of(odd[0].0).is_none_or(|(_, begin)| begin));
        assert!(model.heap_bytes() > 0);
        assert!(model.tag(&[]).is_empty());
    }

    /// Sentences whose features are read again on every pass (past the
    /// ones kept) train the same model, to the score.
    #[test]
    fn features_read_again_train_the_model_kept_features_train() {
        let (train, labels) = five_sentences();
        let all = Perceptron::default().train(&train, &labels, &|_, _| {});
        let probe: Vec<Vec<&str>> = train
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .chain([vec!["Menurut", "Sari", "Dewi", "di", "Bogor", "."], vec!["Dewi"]])
            .collect();
        // None kept, and the first two sentences' (6 + 6 words) kept.
        for kept in [0, 12 * 27] {
            let some = Perceptron { features_kept: kept, ..Perceptron::default() }.train(&train, &labels, &|_, _| {});
            for words in &probe {
                assert_eq!(some.tag(words), all.tag(words), "{kept} kept: {words:?}");
            }
            assert_eq!(some.heap_bytes(), all.heap_bytes());
        }
    }

    #[test]
    fn prefixes_and_suffixes_count_characters_not_bytes() {
        assert_eq!(prefix("한국어요", 2), "한국");
        assert_eq!(suffix("한국어요", 2), "어요");
        assert_eq!(suffix("e\u{301}", 4), "e\u{301}");
        assert_eq!(word_info("Peskov").short_shape, "Xx");
        assert_eq!(word_info("2024").shape, "dddd");
        assert!(word_info("BBC").upper && !word_info("BBC").title);
    }
}
