//! Helpers shared by integration tests: building stores through the model.
#![allow(dead_code)]

pub mod gui;

use std::path::{Path, PathBuf};

use sorot::model::*;

/// Runs the `sorot` binary: exit code, stdout, stderr.
pub fn sorot_run(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sorot")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_article() -> PathBuf {
    repo().join("assets/000_f1c0a0fef9fd3cfc.txt")
}

pub fn sample_annotations() -> PathBuf {
    repo().join("assets/000_f1c0a0fef9fd3cfc.sorot.ron")
}

pub const T0: Timestamp = Timestamp(1_700_000_000);

/// The byte range of the `nth` occurrence (0-based) of `needle` at or after `from`.
pub fn find(store: &Store, needle: &str, from: &str, nth: usize) -> ByteRange {
    let text = store.text().as_str();
    let base = text.find(from).unwrap_or_else(|| panic!("{from:?} not in text"));
    let mut at = base;
    for _ in 0..nth {
        at += text[at..].find(needle).unwrap_or_else(|| panic!("{needle:?} not after {from:?}")) + needle.len();
    }
    let start = at + text[at..].find(needle).unwrap_or_else(|| panic!("{needle:?} not after {from:?}"));
    ByteRange::new(start, start + needle.len())
}

pub struct Builder<'a> {
    pub store: &'a mut Store,
    pub author: &'a str,
}

impl Builder<'_> {
    /// The byte range of the first occurrence of `needle`.
    pub fn at(&self, needle: &str) -> ByteRange {
        find(self.store, needle, needle, 0)
    }
}

impl Builder<'_> {
    pub fn span(&mut self, label: &str, range: ByteRange, attrs: &[(&str, AttrValue)]) -> SpanId {
        let id = SpanId(self.store.alloc_id());
        let label = self.store.schema().label_index(label).expect("label") as u16;
        let mut span = Span::new(id, label, [range].into_iter().collect(), Provenance::new(self.author, T0));
        span.attributes = attrs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        self.store.apply(Edit::AddSpan(span)).expect("add span");
        id
    }

    pub fn entity(&mut self, name: &str, kind: &str, aliases: &[&str], qid: Option<&str>) -> EntityId {
        let id = EntityId(self.store.alloc_id());
        let e = Entity {
            id,
            name: name.into(),
            kind: kind.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            external_id: qid.map(Into::into),
            note: None,
            provenance: Provenance::new(self.author, T0),
        };
        self.store.apply(Edit::AddEntity(e)).expect("add entity");
        id
    }

    pub fn link(&mut self, span: SpanId, entity: EntityId) {
        let mut s = self.store.span(span).expect("span").clone();
        s.entity = Some(entity);
        self.store.apply(Edit::ReplaceSpan(s)).expect("link");
    }

    pub fn relation(
        &mut self,
        kind: &str,
        args: &[(&str, Target)],
        evidence: &[SpanId],
        attrs: &[(&str, AttrValue)],
    ) -> Result<RelationId, EditError> {
        let id = RelationId(self.store.alloc_id());
        let kind = self.store.schema().relation_index(kind).expect("relation type") as u16;
        let args = args.iter().map(|(r, t)| RoleArg { role: (*r).into(), target: *t }).collect();
        let mut rel = Relation::new(id, kind, args, Provenance::new(self.author, T0));
        rel.evidence = evidence.to_vec();
        rel.attributes = attrs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        self.store.apply(Edit::AddRelation(rel))?;
        Ok(id)
    }
}

pub fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}

/// A fetched news page (tests/data/web/warta.html) annotated: the
/// document the Python checks export to see that a page's address and
/// retrieval time reach W3C, JSONL and CSV readers.
pub fn build_web_page() -> Store {
    let page = repo().join("tests/data/web/warta.html");
    let a = sorot::io::read_article(&page).expect("the test page");
    let mut store = sorot::io::store_for_article(Path::new("tests/data/web/warta.html"), a, Schema::default_news());
    if let Some(o) = &mut store.meta.origin {
        o.fetch = Some(Fetch {
            url: "https://warta.example/dunia/rusia-korut?utm_source=wa".into(),
            final_url: "https://warta.example/dunia/rusia-korut".into(),
            retrieved: T0,
        });
    }
    store.meta.annotator = Some("dewi".into());
    let mut b = Builder { store: &mut store, author: "dewi" };
    let claim = b.span("Claim", b.at("“Itu tidak benar,”"), &[("certainty", text("asserted"))]);
    let cue = b.span("Cue", b.at("kata"), &[]);
    let source = b.span("Source", b.at("Peskov kepada"), &[]);
    let mut s = b.store.span(source).expect("span").clone();
    s.ranges = [find(b.store, "Peskov", "Peskov kepada", 0)].into_iter().collect();
    b.store.apply(Edit::ReplaceSpan(s)).expect("narrow");
    b.relation(
        "said_by",
        &[("claim", Target::Span(claim)), ("source", Target::Span(source)), ("cue", Target::Span(cue))],
        &[],
        &[],
    )
    .expect("said_by");
    b.span("Source", b.at("BBC"), &[]);
    let russia = b.entity("Russia", "Country", &["Rusia"], Some("Q159"));
    let mention = b.span("Country", find(b.store, "Rusia", "Rusia mengirim", 0), &[]);
    b.link(mention, russia);
    b.span("Country", b.at("Korea Utara"), &[]);
    b.span("Person", b.at("Dmitry Peskov"), &[]);
    store
}

/// The sample annotations of the bundled article, made through the model.
pub fn build_sample(article: &Path) -> Store {
    let a = sorot::io::read_article(article).expect("sample article");
    let mut store =
        sorot::io::store_for_article(Path::new("assets/000_f1c0a0fef9fd3cfc.txt"), a, Schema::default_news());
    store.meta.state = DocState::InProgress;
    store.meta.annotator = Some("sample".into());
    let s = &mut store;
    let mut b = Builder { store: s, author: "sample" };
    let st = |b: &Builder, n: &str, from: &str, k: usize| find(b.store, n, from, k);

    let russia = b.entity("Russia", "Country", &["Rusia", "Moskow"], Some("Q159"));
    let nk = b.entity("North Korea", "Country", &["Korea Utara", "Korut", "Pyongyang"], Some("Q423"));
    let peskov = b.entity("Dmitry Peskov", "Person", &["Peskov"], None);

    // The Peskov quote: a reported claim, its source and its cue.
    let q_claim = b.span(
        "Claim",
        st(&b, "Putin memberi Kim senapan produksi Rusia “berkualitas terbaik,”", "\"Putin memberi", 0),
        &[("certainty", text("reported")), ("check_worthy", AttrValue::Bool(true))],
    );
    let q_source = b.span("Source", st(&b, "juru bicara Kremlin, Dmitry Peskov", "\"Putin memberi", 0), &[]);
    b.link(q_source, peskov);
    let q_cue = b.span("Cue", st(&b, "kata", "\"Putin memberi", 0), &[]);
    b.relation(
        "said_by",
        &[("claim", Target::Span(q_claim)), ("source", Target::Span(q_source)), ("cue", Target::Span(q_cue))],
        &[],
        &[],
    )
    .expect("said_by");

    // The hedged claim of an arms transfer ("disebut-sebut").
    let transfer_claim = b.span(
        "Claim",
        st(
            &b,
            "Pertukaran hadiah berupa senapan antara Vladimir Putin dan Kim Jong Un itu disebut-sebut menyimbolkan adanya kesepakatan transfer senjata antara Rusia dan Korea Utara",
            "Amerika Gerah",
            0,
        ),
        &[("certainty", text("hedged")), ("check_worthy", AttrValue::Bool(true))],
    );
    b.span("Cue", st(&b, "disebut-sebut", "Amerika Gerah", 0), &[]);

    // Officials say Russia wants North Korean ammunition.
    let ammo_claim = b.span(
        "Claim",
        st(&b, "Rusia tertarik membeli amunisi Korea Utara untuk digunakan di Ukraina", "Para pejabat", 0),
        &[("certainty", text("reported"))],
    );
    let officials = b.span("Source", st(&b, "Para pejabat dan pakar Amerika", "Para pejabat", 0), &[]);
    let says = b.span("Cue", st(&b, "mengatakan", "Para pejabat", 0), &[]);
    b.relation(
        "said_by",
        &[("claim", Target::Span(ammo_claim)), ("source", Target::Span(officials)), ("cue", Target::Span(says))],
        &[],
        &[],
    )
    .expect("said_by officials");

    // Russia allegedly helping North Korea with satellites and submarines.
    let help_claim = b.span(
        "Claim",
        st(
            &b,
            "Rusia, diduga bersedia membantu Korea Utara untuk mengembangkan teknologi satelit dan kapal selam",
            "Adapun",
            0,
        ),
        &[("certainty", text("hedged"))],
    );

    // The BBC-reported US warning.
    let bbc_claim = b.span(
        "Claim",
        st(
            &b,
            "AS memperingatkan bahwa bantuan apa pun yang diberikan Moskow kepada program satelit Pyongyang akan melanggar resolusi Dewan Keamanan PBB",
            "Dilansir BBC",
            0,
        ),
        &[("certainty", text("reported"))],
    );
    let bbc = b.span("Source", st(&b, "BBC", "Dilansir BBC", 0), &[]);
    let dilansir = b.span("Cue", st(&b, "Dilansir", "Dilansir BBC", 0), &[]);
    b.relation(
        "reported_by",
        &[("claim", Target::Span(bbc_claim)), ("outlet", Target::Span(bbc)), ("cue", Target::Span(dilansir))],
        &[],
        &[],
    )
    .expect("reported_by");

    // Mentions of Russia and North Korea, linked to their entities.
    let mentions = [
        ("Rusia", "Rusia tertarik", 0, russia),
        ("Moskow", "Dilansir BBC", 0, russia),
        ("Rusia", "Adapun Rusia", 0, russia),
        ("Korea Utara", "Rusia tertarik", 0, nk),
        ("Korut", "Vladimir Putin dan Kim", 0, nk),
        ("Pyongyang", "Dilansir BBC", 0, nk),
    ];
    for (needle, from, k, entity) in mentions {
        let r = st(&b, needle, from, k);
        let id = b.span("Country", r, &[]);
        b.link(id, entity);
    }

    // The relationship: Russia → North Korea arms transfer, with its evidence.
    b.relation(
        "arms_transfer",
        &[("supplier", Target::Entity(russia)), ("recipient", Target::Entity(nk))],
        &[transfer_claim, help_claim],
        &[("status", text("alleged"))],
    )
    .expect("arms_transfer");
    b.relation(
        "arms_transfer",
        &[("supplier", Target::Entity(nk)), ("recipient", Target::Entity(russia))],
        &[ammo_claim],
        &[("status", text("alleged"))],
    )
    .expect("arms_transfer ammunition");
    store
}

/// A small annotated text with a BOM, CRLF, flag and skin-tone emoji,
/// Hangul and curly quotes; with a discontinuous span, an entity link, a
/// note, attributes and an n-ary relation with evidence.
pub fn build_multiscript() -> Store {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice("🇰🇷 “Korut” kata Peskov.\r\n북한 menerima 👍🏽 senjata dari Rusia.\r\n".as_bytes());
    let article = sorot::io::article::decode_article(&bytes, sorot::io::ArticleFormat::Text).unwrap();
    let mut store = sorot::io::store_for_article(Path::new("multi.txt"), article, Schema::default_news());
    let mut b = Builder { store: &mut store, author: "t" };
    let claim = b.span(
        "Claim",
        find(b.store, "북한 menerima 👍🏽 senjata dari Rusia", "북한", 0),
        &[("certainty", text("hedged"))],
    );
    let nk = b.span("Country", find(b.store, "북한", "북한", 0), &[]);
    let korut = b.span("Country", find(b.store, "Korut", "“", 0), &[]);
    // A reviewer's decision with a note of its own.
    let mut reviewed = b.store.span(korut).expect("korut").clone();
    reviewed.review = Review {
        status: ReviewStatus::Flagged,
        reviewer: Some("sari".into()),
        reviewed: Some(Timestamp(1_700_000_200)),
        note: Some(Box::new("“Korut” = Korea Utara? Cek ejaan".into())),
    };
    b.store.apply(Edit::ReplaceSpan(reviewed)).expect("review");
    let nk_entity = b.entity("North Korea", "Country", &["Korut", "북한"], Some("Q423"));
    b.link(nk, nk_entity);
    b.link(korut, nk_entity);
    let mut event = Span::new(
        SpanId(b.store.alloc_id()),
        b.store.schema().label_index("Event").expect("Event") as u16,
        [find(b.store, "menerima", "북한", 0), find(b.store, "senjata", "북한", 0)].into_iter().collect(),
        Provenance::new("t", T0),
    );
    event.note = Some(Box::new("discontinuous: menerima … senjata".into()));
    b.store.apply(Edit::AddSpan(event)).expect("event");
    let ru = b.span("Country", find(b.store, "Rusia", "북한", 0), &[]);
    let src = b.span("Source", find(b.store, "Peskov", "“", 0), &[]);
    let cue = b.span("Cue", find(b.store, "kata", "“", 0), &[]);
    // Accepted from a suggestion: it records where it came from (issue 17).
    let mut suggested = b.store.span(cue).expect("cue").clone();
    suggested.suggested =
        Some(Box::new(sorot::model::Suggested { source: "model".into(), version: "perceptron 1".into(), score: 912 }));
    b.store.apply(Edit::ReplaceSpan(suggested)).expect("suggested");
    b.relation(
        "said_by",
        &[("claim", Target::Span(claim)), ("source", Target::Span(src)), ("cue", Target::Span(cue))],
        &[],
        &[],
    )
    .unwrap();
    b.relation(
        "arms_transfer",
        &[("supplier", Target::Span(ru)), ("recipient", Target::Span(nk))],
        &[claim],
        &[("status", text("alleged"))],
    )
    .unwrap();
    store
}

/// A folder of three articles about the same arms transfer, annotated:
/// - `a1`: the sample article and its annotations (entities with Wikidata ids);
/// - `a2`: Peskov said Moscow sent no weapons to Pyongyang (entities with
///   the same ids, named differently);
/// - `a3`: reported by BBC (entities with no ids, matched by alias).
///
/// `a1` is done, `a2` in progress, `a3` new (no annotation file yet, only
/// `a3.txt`), except that `a3.rizal.sorot.ron` holds another annotator's
/// work on it. Returns the folder.
pub fn build_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(sample_article(), d.join("a1.txt")).unwrap();
    let mut s1 = sorot::io::load_annotations(&sample_annotations()).unwrap();
    s1.meta.state = DocState::Done;
    s1.meta.annotator = Some("sample".into());
    sorot::io::save_annotations(&d.join("a1.sorot.ron"), &s1).unwrap();

    let t2 = "Juru bicara Kremlin, Dmitry Peskov, mengatakan Moskow tidak mengirim senjata ke Pyongyang.\n";
    std::fs::write(d.join("a2.txt"), t2).unwrap();
    let mut s2 = store_of(t2, "a2");
    s2.meta.state = DocState::InProgress;
    s2.meta.annotator = Some("dewi".into());
    {
        let mut b = Builder { store: &mut s2, author: "dewi" };
        let claim = b.span("Claim", b.at("Moskow tidak mengirim senjata ke Pyongyang"), &[]);
        let src = b.span("Person", b.at("Dmitry Peskov"), &[]);
        let peskov = b.entity("Peskov", "Person", &[], None);
        b.link(src, peskov);
        b.relation("said_by", &[("claim", Target::Span(claim)), ("source", Target::Span(src))], &[], &[]).unwrap();
        let ru = b.span("Country", b.at("Moskow"), &[]);
        let nk = b.span("Country", b.at("Pyongyang"), &[]);
        let e_ru = b.entity("Rusia", "Country", &[], Some("Q159"));
        let e_nk = b.entity("Korea Utara", "Country", &[], Some("Q423"));
        b.link(ru, e_ru);
        b.link(nk, e_nk);
        b.relation(
            "arms_transfer",
            &[("supplier", Target::Entity(e_ru)), ("recipient", Target::Entity(e_nk))],
            &[claim],
            &[],
        )
        .unwrap();
    }
    sorot::io::save_annotations(&d.join("a2.sorot.ron"), &s2).unwrap();

    let t3 = "Dilansir BBC, Korut menerima amunisi dari Rusia.\n";
    std::fs::write(d.join("a3.txt"), t3).unwrap();
    let mut s3 = store_of(t3, "a3");
    s3.meta.annotator = Some("rizal".into());
    {
        let mut b = Builder { store: &mut s3, author: "rizal" };
        let claim = b.span("Claim", b.at("Korut menerima amunisi dari Rusia"), &[]);
        let bbc = b.span("Source", b.at("BBC"), &[]);
        b.relation("reported_by", &[("claim", Target::Span(claim)), ("outlet", Target::Span(bbc))], &[], &[]).unwrap();
        let nk = b.span("Country", b.at("Korut"), &[]);
        let ru = b.span("Country", b.at("Rusia"), &[]);
        b.relation("arms_transfer", &[("supplier", Target::Span(ru)), ("recipient", Target::Span(nk))], &[claim], &[])
            .unwrap();
    }
    sorot::io::save_annotations(&d.join("a3.rizal.sorot.ron"), &s3).unwrap();
    dir
}

/// An empty store on `text` with the bundled schema.
pub fn store_of(text: &str, id: &str) -> Store {
    let article = sorot::io::article::decode_article(text.as_bytes(), sorot::io::ArticleFormat::Text).unwrap();
    sorot::io::store_for_article(Path::new(&format!("{id}.txt")), article, Schema::default_news())
}

/// A local web server for the fetch tests (no internet in tests): each
/// connection gets its own thread; the routes are those of a small news site.
pub fn serve_news_site() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let page = std::fs::read(repo().join("tests/data/web/warta.html")).unwrap();
                let reply = |status: &str, kind: &str, body: &[u8], length: bool| {
                    let mut r = format!("HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nConnection: close\r\n");
                    if length {
                        r.push_str(&format!("Content-Length: {}\r\n", body.len()));
                    }
                    r.push_str("\r\n");
                    let mut bytes = r.into_bytes();
                    bytes.extend_from_slice(body);
                    bytes
                };
                let response = match path.as_str() {
                    "/dunia/rusia-korut" => reply("200 OK", "text/html; charset=utf-8", &page, true),
                    "/lama" => b"HTTP/1.1 301 Moved Permanently\r\nLocation: /dunia/rusia-korut\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    "/putar" => b"HTTP/1.1 302 Found\r\nLocation: /putar\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    "/besar" => reply("200 OK", "text/html", &vec![b'a'; 300_000], false),
                    "/laporan.pdf" => reply("200 OK", "application/pdf", b"%PDF-1.4", true),
                    "/lambat" => {
                        std::thread::sleep(std::time::Duration::from_secs(3));
                        reply("200 OK", "text/html", &page, true)
                    }
                    _ => reply("404 Not Found", "text/html", b"<h1>Tidak ditemukan</h1>", true),
                };
                let _ = stream.write_all(&response);
            });
        }
    });
    base
}
