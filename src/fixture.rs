//! Generated test documents for performance checks: realistic paragraphs
//! with a share of non-ASCII (curly quotes, Hangul, emoji), and overlapping
//! and nested annotations. Deterministic for a given seed; nothing is
//! committed.

use crate::model::*;

const T0: Timestamp = Timestamp(1_700_000_000);

/// A small deterministic generator (xorshift64*), enough for fixtures.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "Putin",
    "Kim",
    "Rusia",
    "Korea",
    "Utara",
    "senjata",
    "kesepakatan",
    "transfer",
    "pemimpin",
    "pertemuan",
    "menurut",
    "juru",
    "bicara",
    "Kremlin",
    "mengatakan",
    "kata",
    "disebut-sebut",
    "amunisi",
    "satelit",
    "Moskow",
    "Pyongyang",
    "dan",
    "yang",
    "di",
    "dengan",
    "untuk",
    "akan",
    "itu",
    "“berkualitas”",
    "“terbaik,”",
    "북한",
    "러시아",
    "무기",
    "🇰🇷",
    "🇷🇺",
    "👍🏽",
    "e\u{301}",
    "BBC",
    "AS",
    "PBB",
    "resolusi",
    "Dewan",
    "Keamanan",
    "laporan",
    "pejabat",
];

/// A text of about `bytes` bytes in paragraphs of 200–1,200 bytes.
pub fn text(bytes: usize, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(bytes + 1300);
    while s.len() < bytes {
        let para_len = 200 + rng.below(1000);
        let start = s.len();
        while s.len() - start < para_len {
            s.push_str(WORDS[rng.below(WORDS.len())]);
            s.push(if rng.below(12) == 0 { ',' } else { ' ' });
        }
        s.pop();
        s.push_str(".\n");
    }
    s
}

/// A store over a generated text with `spans` spans (word-aligned, some
/// nested in others, some overlapping) and `relations` said_by relations.
pub fn store(bytes: usize, spans: usize, relations: usize, seed: u64) -> Store {
    let mut rng = Rng::new(seed);
    let text = Text::new(text(bytes, &mut rng));
    let meta = DocMeta { id: format!("fixture-{bytes}-{spans}"), encoding: "UTF-8".into(), ..DocMeta::default() };
    let mut store = Store::new(text.clone(), Schema::default_news(), meta);
    // Word starts, to place spans on.
    let s = text.as_str();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(s.char_indices().filter(|&(_, c)| c == ' ' || c == '\n').map(|(i, _)| i + 1))
        .filter(|&i| i < s.len())
        .collect();
    let author = crate::model::Name::from("fixture");
    let labels = store.schema().labels.len();
    let claim = store.schema().label_index("Claim").unwrap_or(0) as u16;
    let source = store.schema().label_index("Source").unwrap_or(0) as u16;
    let mut claims = Vec::new();
    let mut sources = Vec::new();
    let mut made = 0;
    while made < spans && !starts.is_empty() {
        let i = rng.below(starts.len());
        let words = 1 + rng.below(6);
        let start = starts[i];
        let end = starts.get(i + words).map_or(s.len(), |&e| e - 1).max(start + 1);
        let end = (start + 1..=end).rev().find(|&e| s.is_char_boundary(e)).unwrap_or(end);
        let label = if made % 5 == 0 {
            claim
        } else if made % 5 == 1 {
            source
        } else {
            rng.below(labels) as u16
        };
        let ranges = [ByteRange::new(start, end)].into_iter().collect();
        let span = Span::new(SpanId(store.alloc_id()), label, ranges, Provenance::shared(author, T0));
        let id = span.id;
        if store.apply(Edit::AddSpan(span)).is_ok() {
            made += 1;
            if label == claim {
                claims.push(id);
            } else if label == source {
                sources.push(id);
            }
        }
    }
    let said_by = store.schema().relation_index("said_by").unwrap_or(0) as u16;
    for k in 0..relations.min(claims.len()).min(sources.len().max(1) * 1000) {
        if sources.is_empty() {
            break;
        }
        let args = vec![
            RoleArg { role: "claim".into(), target: Target::Span(claims[k]) },
            RoleArg { role: "source".into(), target: Target::Span(sources[k % sources.len()]) },
        ];
        let rel = Relation::new(RelationId(store.alloc_id()), said_by, args, Provenance::shared(author, T0));
        let _ = store.apply(Edit::AddRelation(rel));
    }
    store
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_deterministic_and_valid() {
        let a = store(20_000, 300, 40, 7);
        let b = store(20_000, 300, 40, 7);
        assert!(a == b);
        assert_eq!(a.spans().len(), 300);
        assert_eq!(a.relations().len(), 40);
        assert!(a.text().len() >= 20_000);
        assert!(!a.text().as_str().is_ascii());
        // Some spans nest or overlap.
        let overlapping = a.spans().filter(|s| a.spans_overlapping(s.extent()).len() > 1).count();
        assert!(overlapping > 0);
        let ron = crate::io::to_ron_string(&a);
        assert!(crate::io::from_ron_str(&ron).is_ok());
    }
}

pub mod documents;
