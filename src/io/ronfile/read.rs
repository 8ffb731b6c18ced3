//! Reading: the fast path for files laid out as Sorot writes them, `ron`
//! for everything else and for every error.

use super::*;

/// The article text of an annotation file written by Sorot, read without
/// parsing the rest, so the window can show it while the annotations load.
/// `None` when the file is not laid out as Sorot writes it.
pub fn peek_text(src: &str) -> Option<String> {
    // The strict reader of the fast path (2–4× faster than `ron` on a 10 MB
    // text); `ron` for anything it declines.
    if let Some(text) = fast::text(src) {
        return Some(text);
    }
    let at = src.rfind("\n    text: ")? + "\n    text: ".len();
    let mut de = ron::de::Deserializer::from_str(&src[at..]).ok()?;
    String::deserialize(&mut de).ok()
}

/// What a folder list shows of an annotation file.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub state: DocState,
    pub annotator: Option<String>,
    pub spans: usize,
    pub relations: usize,
    /// Spans accepted, rejected or flagged.
    pub reviewed: usize,
    /// Who reviewed them, each once, in order of first appearance.
    pub reviewers: Vec<String>,
}

/// The body of a list written one item per line (`    spans: [` … `    ],`),
/// or "" for an empty one; `None` if the file is laid out otherwise.
fn section<'a>(src: &'a str, name: &str, from: usize) -> Option<(&'a str, usize)> {
    let open = format!("\n    {name}: [\n");
    let empty = format!("\n    {name}: [],\n");
    let rest = src.get(from..)?;
    match (rest.find(&open), rest.find(&empty)) {
        (Some(i), e) if e.is_none_or(|e| i < e) => {
            let start = from + i + open.len();
            let end = start + src[start..].find("\n    ],\n")? + 1;
            Some((&src[start..end], end))
        }
        // (The position keeps the line break the next list starts with.)
        (_, Some(e)) => Some(("", from + e + empty.len() - 1)),
        _ => None,
    }
}

/// The state, annotator and counts of a file laid out as Sorot writes it,
/// read from its document line and by counting the lines of its lists,
/// without parsing the annotations (a folder of 500 files lists in a
/// fraction of the time a full read takes). `None` for any other layout;
/// a file damaged inside its lists is found when it is opened.
pub fn peek_summary(src: &str) -> Option<Summary> {
    const DOC: &str = "\n    document: ";
    let at = src.find(DOC)? + DOC.len();
    let end = at + src[at..].find(",\n")?;
    let doc: DocumentDto = ron::from_str(&src[at..end]).ok()?;
    let (_, after_entities) = section(src, "entities", end)?;
    let (spans, after_spans) = section(src, "spans", after_entities)?;
    let (relations, after_relations) = section(src, "relations", after_spans)?;
    // A file cut short is read in full (and reported) instead.
    let text_at = src.rfind("\n    text: ")?;
    if text_at < after_relations || !src.trim_end().ends_with(')') {
        return None;
    }
    let lines = |body: &str| body.bytes().filter(|&b| b == b'\n').count();
    // The review is the last field of a span line; its reviewer is the
    // first string after it.
    let mut reviewed = 0;
    let mut reviewers: Vec<String> = Vec::new();
    for l in spans.lines() {
        const REVIEW: &str = ", review: Some((status: ";
        let Some(i) = l.rfind(REVIEW) else { continue };
        let s = &l[i + REVIEW.len()..];
        if !(s.starts_with("Accepted") || s.starts_with("Rejected") || s.starts_with("Flagged")) {
            continue;
        }
        reviewed += 1;
        if let Some(j) = s.find("by: Some(\"") {
            let name: String = ron::from_str(ron_string_at(&s[j + "by: Some(".len()..])?).ok()?;
            if !reviewers.contains(&name) {
                reviewers.push(name);
            }
        }
    }
    let state = match doc.state {
        DocStateDto::New => DocState::New,
        DocStateDto::InProgress => DocState::InProgress,
        DocStateDto::Done => DocState::Done,
        DocStateDto::Reviewed => DocState::Reviewed,
    };
    Some(Summary {
        state,
        annotator: doc.annotator,
        spans: lines(spans),
        relations: lines(relations),
        reviewed,
        reviewers,
    })
}

/// The RON string literal `s` starts with (quotes included), if it ends on
/// this line.
fn ron_string_at(s: &str) -> Option<&str> {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(&s[..=i]),
            _ => escaped = false,
        }
    }
    None
}

/// For tests: `None` when the fast path declines `src`; else whether it
/// read exactly what `ron` reads (`false` also when `ron` refuses it).
#[doc(hidden)]
pub fn fast_path_check(src: &str) -> Option<bool> {
    let fast = fast::read(src)?;
    let slow: Result<FileDto, _> = ron::from_str(src);
    Some(slow.is_ok_and(|slow| ron::to_string(&fast).ok() == ron::to_string(&slow).ok()))
}

/// What a loaded file says beyond the store.
#[derive(Clone, Debug, PartialEq)]
pub struct FileInfo {
    pub format_version: u32,
}

/// Parses a schema file (RON), reporting syntax errors and schema problems.
pub fn schema_from_ron(src: &str) -> Result<Schema, LoadError> {
    let schema: Schema = ron::from_str(src).map_err(|e| LoadError(vec![syntax_problem(&e)]))?;
    let problems = schema.problems();
    if problems.is_empty() {
        return Ok(schema);
    }
    let (line, col) = (1, 1);
    Err(LoadError(
        problems
            .into_iter()
            .map(|p| {
                let (line, col) = locate_schema_item(src, 0, &p.path).unwrap_or((line, col));
                Problem { line, col, message: format!("schema {p}") }
            })
            .collect(),
    ))
}

pub(super) fn syntax_problem(e: &ron::error::SpannedError) -> Problem {
    Problem { line: e.span.start.line.max(1), col: e.span.start.col.max(1), message: in_words(&e.code.to_string()) }
}

/// What the reader's own type names stand for, in the analyst's words.
const NAMES: [(&str, &str); 16] = [
    ("FileDto", "the annotation file"),
    ("DocumentDto", "the document block"),
    ("DocStateDto", "a document state"),
    ("RangeDto", "a range"),
    ("ReviewStatusDto", "a review status"),
    ("ReviewDto", "a review"),
    ("SpanDto", "a span"),
    ("EntityDto", "an entity"),
    ("ArgDto", "a relation argument"),
    ("RelationDto", "a relation"),
    ("Schema", "the schema"),
    ("LabelDef", "a label"),
    ("EntityTypeDef", "an entity type"),
    ("RelationTypeDef", "a relation type"),
    ("RoleDef", "a role"),
    ("AttrDef", "an attribute"),
];

/// A parser message without internal type names: ``Expected opening `(`
/// for struct `FileDto` `` becomes ``Expected opening `(` for the
/// annotation file``.
pub(super) fn in_words(message: &str) -> String {
    let mut m = message.to_owned();
    for (name, words) in NAMES {
        for kind in ["struct ", "enum ", "variant ", ""] {
            m = m.replace(&format!("{kind}`{name}`"), words);
        }
    }
    m
}

/// Finds where things are in the source, lazily: nothing is scanned unless
/// a problem needs a position, so a valid file loads in linear time.
pub(super) struct Locator<'a> {
    src: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    items: std::cell::RefCell<HashMap<&'static str, Vec<usize>>>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Self { src, line_starts: Default::default(), items: Default::default() }
    }
    fn line_col(&self, byte: usize) -> (usize, usize) {
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.src.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let line = starts.partition_point(|&s| s <= byte).saturating_sub(1);
        let col = self.src.get(starts[line]..byte.min(self.src.len())).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }
    pub(super) fn top(&self, field: &str) -> (usize, usize) {
        top_field_offset(self.src, field).map_or((1, 1), |i| self.line_col(i))
    }
    pub(super) fn item(&self, section: &'static str, i: usize) -> (usize, usize) {
        let offset = {
            let mut items = self.items.borrow_mut();
            let list = items.entry(section).or_insert_with(|| {
                top_field_offset(self.src, section).map_or_else(Vec::new, |start| list_items_from(self.src, start, 1))
            });
            list.get(i).copied()
        };
        offset.map_or_else(|| self.top(section), |o| self.line_col(o))
    }
}

/// Loads a `.sorot.ron` file's text into a store, checking everything:
/// syntax, version, the text's hash, the schema, every quote, every id and
/// every rule. All problems are reported, each with its line and column.
pub fn from_ron_str(src: &str) -> Result<(Store, FileInfo), LoadError> {
    let (store, info, problems) = from_ron_str_salvaging(src)?;
    if problems.is_empty() { Ok((store, info)) } else { Err(LoadError(problems)) }
}

/// [`from_ron_str`], keeping what can be read: the store holds every
/// annotation that passed its checks, and the problems say what did not
/// (by line). `Err` only when nothing can be read at all: an empty file,
/// broken syntax, an unknown format version, a text over the limit.
pub fn from_ron_str_salvaging(src: &str) -> Result<(Store, FileInfo, Vec<Problem>), LoadError> {
    if src.trim().is_empty() {
        let message = "the file is empty: it holds no annotations (was it cut short while being copied?)".into();
        return Err(LoadError(vec![Problem { line: 1, col: 1, message }]));
    }
    // Files as Sorot writes them take the fast path; anything else (and
    // every error) is read by `ron`, which says where the problem is.
    let dto: FileDto = match fast::read(src) {
        Some(dto) => dto,
        None => ron::from_str(src).map_err(|e| LoadError(vec![syntax_problem(&e)]))?,
    };
    let mut problems = Vec::new();
    let loc = Locator::new(src);
    let top = |field: &str| loc.top(field);
    if dto.format_version > FORMAT_VERSION || dto.format_version == 0 {
        let (line, col) = top("format_version");
        return Err(LoadError(vec![Problem {
            line,
            col,
            message: format!(
                "format_version {} is not supported: this Sorot reads format versions 1 to {FORMAT_VERSION}",
                dto.format_version
            ),
        }]));
    }
    if dto.text.len() > crate::model::text::MAX_TEXT_BYTES {
        let (line, col) = top("text");
        return Err(LoadError(vec![Problem { line, col, message: "the text is over 256 MiB".into() }]));
    }
    let hash = sha256_hex(&dto.text);
    if !dto.document.sha256.eq_ignore_ascii_case(&hash) {
        let (line, col) = top("document");
        problems.push(Problem {
            line,
            col,
            message: format!(
                "document.sha256 is {} but the embedded text hashes to {hash}: the text was changed after annotation",
                dto.document.sha256
            ),
        });
    }
    if let Some(o) = &dto.document.origin {
        let starts = &o.page_starts;
        let bad = starts.first().is_some_and(|&s| s != 0)
            || starts.windows(2).any(|w| w[0] > w[1])
            || starts.iter().any(|&s| usize::try_from(s).map_or(true, |s| !dto.text.is_char_boundary(s)));
        if bad {
            let (line, col) = top("document");
            problems.push(Problem {
                line,
                col,
                message: "document.origin.page_starts must start at 0, never decrease and fall on character \
                          boundaries of the text"
                    .into(),
            });
        }
    }
    for p in dto.schema.problems() {
        let (line, col) = locate_schema_item(src, 0, &p.path).unwrap_or_else(|| top("schema"));
        problems.push(Problem { line, col, message: format!("schema {p}") });
    }
    let adjudication = match dto.document.adjudication.map(|a| a.into_model(&dto.text)) {
        None => None,
        Some(Ok(r)) => Some(Box::new(r)),
        Some(Err(message)) => {
            let (line, col) = top("document");
            problems.push(Problem { line, col, message });
            None
        }
    };
    let meta = DocMeta {
        id: dto.document.id,
        original_path: dto.document.original_path,
        encoding: dto.document.encoding,
        state: match dto.document.state {
            DocStateDto::New => DocState::New,
            DocStateDto::InProgress => DocState::InProgress,
            DocStateDto::Done => DocState::Done,
            DocStateDto::Reviewed => DocState::Reviewed,
        },
        annotator: dto.document.annotator,
        origin: dto.document.origin.map(super::dto::OriginDto::into_model),
        adjudication,
    };
    let schema = dto.schema;
    let mut store = Store::new(Text::new(dto.text), schema.clone(), meta);
    // Interned names; consecutive annotations mostly share their author, so
    // the last one is kept at hand instead of asking the interner each time.
    let mut last: Option<(String, Name)> = None;
    let mut author = |name: String| -> Name {
        match &last {
            Some((n, interned)) if *n == name => *interned,
            _ => {
                let interned = Name::from(name.as_str());
                last = Some((name, interned));
                interned
            }
        }
    };
    let max_id = dto
        .entities
        .iter()
        .map(|e| e.id)
        .chain(dto.spans.iter().map(|s| s.id))
        .chain(dto.relations.iter().map(|r| r.id))
        .max()
        .unwrap_or(0);
    if dto.next_id > MAX_ID {
        let (line, col) = top("next_id");
        problems.push(Problem {
            line,
            col,
            message: format!("next_id {} is above {MAX_ID}, the largest id Sorot hands out", dto.next_id),
        });
    } else if dto.next_id <= max_id {
        let (line, col) = top("next_id");
        problems.push(Problem {
            line,
            col,
            message: format!("next_id {} must be above the largest id in the file ({max_id})", dto.next_id),
        });
    }
    store.reserve_ids_below(dto.next_id.max(max_id.saturating_add(1)));

    for (i, e) in dto.entities.into_iter().enumerate() {
        let id = e.id;
        let entity = Entity {
            id: EntityId(e.id),
            name: e.name,
            kind: e.kind,
            aliases: e.aliases,
            external_id: e.external_id,
            note: e.note,
            provenance: Provenance {
                author: author(e.author),
                created: Timestamp(e.created_unix),
                modified: Timestamp(e.modified_unix),
            },
        };
        if let Err(err) = store.apply(Edit::AddEntity(entity)) {
            let (line, col) = loc.item("entities", i);
            problems.push(Problem { line, col, message: format!("entity #{id}: {err}") });
        }
    }

    for (i, s) in dto.spans.into_iter().enumerate() {
        let mut push = |message: String| {
            let (line, col) = loc.item("spans", i);
            problems.push(Problem { line, col, message: format!("span #{}: {message}", s.id) })
        };
        let Some(label) = schema.label_index(&s.label) else {
            push(format!(
                "label {:?} is not in the schema (labels: {})",
                s.label,
                schema.labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        let mut ranges = Ranges::new();
        let mut ok = true;
        for r in &s.ranges {
            let (Ok(start), Ok(end)) = (u32::try_from(r.start_byte), u32::try_from(r.end_byte)) else {
                push(format!(
                    "range {}..{} is past the end of the text ({} bytes)",
                    r.start_byte,
                    r.end_byte,
                    store.text().len()
                ));
                ok = false;
                continue;
            };
            let range = ByteRange { start, end };
            if let Err(e) = store.text().check_range(range) {
                push(match e {
                    crate::model::text::RangeError::NotCharBoundary { .. } => {
                        format!("range {}..{}: {e}", r.start_byte, r.end_byte)
                    }
                    _ => e.to_string(),
                });
                ok = false;
                continue;
            }
            let actual = store.text().slice(range);
            if actual != r.quote {
                push(format!(
                    "quote {:?} does not match the text at {}..{}, which reads {:?}",
                    r.quote, r.start_byte, r.end_byte, actual
                ));
                ok = false;
            }
            ranges.push(range);
        }
        if !ok {
            continue;
        }
        let span = Span {
            id: SpanId(s.id),
            label: label as u16,
            ranges,
            entity: s.entity.map(EntityId),
            attributes: s.attributes.into(),
            note: s.note.map(Into::into),
            review: review_from(s.review, &mut author),
            provenance: Provenance {
                author: author(s.author),
                created: Timestamp(s.created_unix),
                modified: Timestamp(s.modified_unix),
            },
            suggested: s.suggested.map(|g| {
                Box::new(Suggested { source: g.source, version: g.version, score: g.score_per_mille.min(1000) })
            }),
        };
        if let Err(err) = store.apply(Edit::AddSpan(span)) {
            push(err.to_string());
        }
    }

    // Relations whose relation arguments are not in yet wait for them (a
    // file written by hand or another tool may list a user first).
    let mut waiting: Vec<(usize, Relation)> = Vec::new();
    for (i, r) in dto.relations.into_iter().enumerate() {
        let mut push = |message: String| {
            let (line, col) = loc.item("relations", i);
            problems.push(Problem { line, col, message: format!("relation #{}: {message}", r.id) })
        };
        let Some(kind) = schema.relation_index(&r.kind) else {
            push(format!("relation type {:?} is not in the schema", r.kind));
            continue;
        };
        // Collected in place over the parsed list, whose capacity is larger
        // than its length; shrunk so loaded relations hold no slack.
        let mut args: Vec<RoleArg> = r
            .args
            .into_iter()
            .map(|a| match a {
                ArgDto::Span(role, id) => RoleArg { role: role.as_str().into(), target: Target::Span(SpanId(id)) },
                ArgDto::Entity(role, id) => {
                    RoleArg { role: role.as_str().into(), target: Target::Entity(EntityId(id)) }
                }
                ArgDto::Relation(role, id) => {
                    RoleArg { role: role.as_str().into(), target: Target::Relation(RelationId(id)) }
                }
            })
            .collect();
        args.shrink_to_fit();
        let mut evidence: Vec<SpanId> = r.evidence.into_iter().map(SpanId).collect();
        evidence.shrink_to_fit();
        let rel = Relation {
            id: RelationId(r.id),
            kind: kind as u16,
            args,
            evidence,
            attributes: r.attributes.into(),
            note: r.note.map(Into::into),
            review: review_from(r.review, &mut author),
            provenance: Provenance {
                author: author(r.author),
                created: Timestamp(r.created_unix),
                modified: Timestamp(r.modified_unix),
            },
        };
        if rel.args.iter().any(|a| matches!(a.target, Target::Relation(x) if store.relation(x).is_none())) {
            waiting.push((i, rel));
        } else if let Err(err) = store.apply(Edit::AddRelation(rel)) {
            push(err.to_string());
        }
    }
    while !waiting.is_empty() {
        let before = waiting.len();
        let (ready, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut waiting).into_iter().partition(|(_, rel)| {
            rel.args.iter().all(|a| !matches!(a.target, Target::Relation(x) if store.relation(x).is_none()))
        });
        waiting = wait;
        // None ready: what is left uses relations that are missing or wait
        // on each other; adding them gives the reason.
        let stuck = ready.is_empty();
        for (i, rel) in if stuck { std::mem::take(&mut waiting) } else { ready } {
            let id = rel.id.0;
            if let Err(err) = store.apply(Edit::AddRelation(rel)) {
                let (line, col) = loc.item("relations", i);
                problems.push(Problem { line, col, message: format!("relation #{id}: {err}") });
            }
        }
        debug_assert!(stuck || waiting.len() < before);
    }

    for (i, r) in dto.rejected.into_iter().enumerate() {
        let (line, col) = loc.item("rejected", i);
        let mut push =
            |message: String| problems.push(Problem { line, col, message: format!("rejected #{}: {message}", i + 1) });
        let Some(label) = schema.label_index(&r.label) else {
            push(format!("label {:?} is not in the schema", r.label));
            continue;
        };
        let (Ok(start), Ok(end)) = (usize::try_from(r.start_byte), usize::try_from(r.end_byte)) else {
            push(format!("range {}..{} is outside the text", r.start_byte, r.end_byte));
            continue;
        };
        let range = match store.text().check_range(ByteRange { start: start as u32, end: end as u32 }) {
            Ok(()) if start <= end && end <= u32::MAX as usize => ByteRange { start: start as u32, end: end as u32 },
            _ => {
                push(format!("range {start}..{end} is not a stretch of the text"));
                continue;
            }
        };
        if store.text().slice(range) != r.quote {
            push(format!("quote {:?} does not match the text at {start}..{end}", r.quote));
            continue;
        }
        if let Err(err) = store.apply(Edit::RejectSuggestion(range, label as u16)) {
            push(err.to_string());
        }
    }

    store.compact();
    problems.sort_by_key(|p| (p.line, p.col));
    Ok((store, FileInfo { format_version: dto.format_version }, problems))
}

pub(super) fn review_from(r: Option<ReviewDto>, author: &mut impl FnMut(String) -> Name) -> Review {
    let Some(r) = r else { return Review::default() };
    Review {
        status: match r.status {
            ReviewStatusDto::Unreviewed => ReviewStatus::Unreviewed,
            ReviewStatusDto::Accepted => ReviewStatus::Accepted,
            ReviewStatusDto::Rejected => ReviewStatus::Rejected,
            ReviewStatusDto::Flagged => ReviewStatus::Flagged,
        },
        reviewer: r.by.map(&mut *author),
        reviewed: r.at_unix.map(Timestamp),
        note: r.note.map(Box::new),
    }
}
