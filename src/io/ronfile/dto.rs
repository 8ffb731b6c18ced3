//! The file's data as serde reads and writes it.

use super::*;
use crate::model::compare::{Choice, Record};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDto {
    pub(super) format_version: u32,
    pub(super) document: DocumentDto,
    #[serde(default)]
    pub(super) next_id: u32,
    #[serde(default)]
    pub(super) entities: Vec<EntityDto>,
    #[serde(default)]
    pub(super) spans: Vec<SpanDto>,
    #[serde(default)]
    pub(super) relations: Vec<RelationDto>,
    /// Suggestions the analyst rejected (not suggested again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) rejected: Vec<RejectedDto>,
    pub(super) schema: Schema,
    pub(super) text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DocumentDto {
    pub(super) id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) original_path: Option<String>,
    pub(super) encoding: String,
    pub(super) sha256: String,
    #[serde(default)]
    pub(super) state: DocStateDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) annotator: Option<String>,
    /// How the text was made from a web page (absent for text files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) origin: Option<OriginDto>,
    /// For a merged file: what was compared and what the adjudicator took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) adjudication: Option<AdjudicationDto>,
}

/// `adjudication: (files: ["a.budi.sorot.ron", …], annotators: ["budi", …],
/// decisions: [(start_byte: 10, end_byte: 24, took: Version(1)), …])`.
#[derive(Serialize, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct AdjudicationDto {
    pub(super) files: Vec<String>,
    pub(super) annotators: Vec<String>,
    #[serde(default)]
    pub(super) decisions: Vec<DecisionDto>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionDto {
    pub(super) start_byte: u64,
    pub(super) end_byte: u64,
    pub(super) took: TookDto,
}

/// What was taken: the version of file N (counted from 0), every version, or none.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq)]
pub(super) enum TookDto {
    Version(u32),
    All,
    Neither,
}

impl AdjudicationDto {
    pub(super) fn from_model(r: &Record) -> Self {
        AdjudicationDto {
            files: r.files.clone(),
            annotators: r.names.clone(),
            decisions: r
                .decisions
                .iter()
                .map(|(at, c)| DecisionDto {
                    start_byte: u64::from(at.start),
                    end_byte: u64::from(at.end),
                    took: match c {
                        Choice::File(f) => TookDto::Version(u32::try_from(*f).unwrap_or(u32::MAX)),
                        Choice::All => TookDto::All,
                        Choice::Neither => TookDto::Neither,
                    },
                })
                .collect(),
        }
    }

    /// The record, or what is wrong with it (positions outside `text` or off
    /// its character boundaries, a version no file has).
    pub(super) fn into_model(self, text: &str) -> Result<Record, String> {
        if self.files.len() != self.annotators.len() || self.files.len() < 2 {
            return Err(format!(
                "document.adjudication needs two or more files and one annotator per file ({} files, {} annotators)",
                self.files.len(),
                self.annotators.len()
            ));
        }
        let mut decisions = Vec::with_capacity(self.decisions.len());
        for (i, d) in self.decisions.into_iter().enumerate() {
            let ok = |b: u64| usize::try_from(b).is_ok_and(|b| text.is_char_boundary(b));
            if d.start_byte > d.end_byte || !ok(d.start_byte) || !ok(d.end_byte) {
                return Err(format!(
                    "document.adjudication decision {} ({}..{}) is not a stretch of the text",
                    i + 1,
                    d.start_byte,
                    d.end_byte
                ));
            }
            let choice = match d.took {
                TookDto::Version(f) if (f as usize) < self.files.len() => Choice::File(f as usize),
                TookDto::Version(f) => {
                    return Err(format!(
                        "document.adjudication decision {} takes version {f}, but only {} files were compared",
                        i + 1,
                        self.files.len()
                    ));
                }
                TookDto::All => Choice::All,
                TookDto::Neither => Choice::Neither,
            };
            // Checked above: both fit the text, which is below 4 GiB.
            let at = ByteRange { start: d.start_byte as u32, end: d.end_byte as u32 };
            decisions.push((at, choice));
        }
        Ok(Record { files: self.files, names: self.annotators, decisions })
    }
}

#[derive(Serialize, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct OriginDto {
    pub(super) format: String,
    pub(super) extractor: String,
    pub(super) text: TextModeDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) byline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    /// The page as fetched: the address asked for, the one answered from,
    /// and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) fetched: Option<FetchDto>,
    /// Where each page of a PDF or Word file starts (byte offsets).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) page_starts: Vec<u64>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct FetchDto {
    pub(super) url: String,
    pub(super) final_url: String,
    pub(super) retrieved_unix: i64,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq)]
pub(super) enum TextModeDto {
    Article,
    WholePage,
}

impl OriginDto {
    pub(super) fn from_model(o: &Origin) -> Self {
        let p = &o.page;
        OriginDto {
            format: o.format.clone(),
            extractor: o.extractor.clone(),
            text: match o.mode {
                TextMode::Article => TextModeDto::Article,
                TextMode::WholePage => TextModeDto::WholePage,
            },
            title: p.title.clone(),
            byline: p.byline.clone(),
            published: p.published.clone(),
            site: p.site.clone(),
            url: p.url.clone(),
            fetched: o.fetch.as_ref().map(|f| FetchDto {
                url: f.url.clone(),
                final_url: f.final_url.clone(),
                retrieved_unix: f.retrieved.secs(),
            }),
            page_starts: o.pages.iter().map(|&p| p as u64).collect(),
        }
    }

    pub(super) fn into_model(self) -> Origin {
        Origin {
            format: self.format,
            extractor: self.extractor,
            mode: match self.text {
                TextModeDto::Article => TextMode::Article,
                TextModeDto::WholePage => TextMode::WholePage,
            },
            page: PageInfo {
                title: self.title,
                byline: self.byline,
                published: self.published,
                site: self.site,
                url: self.url,
            },
            fetch: self.fetched.map(|f| Fetch {
                url: f.url,
                final_url: f.final_url,
                retrieved: Timestamp(f.retrieved_unix),
            }),
            pages: self.page_starts.into_iter().map(|p| usize::try_from(p).unwrap_or(usize::MAX)).collect(),
        }
    }
}

#[derive(Serialize, Deserialize, Default, Clone, Copy)]
pub(super) enum DocStateDto {
    #[default]
    New,
    InProgress,
    Done,
    Reviewed,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RangeDto {
    pub(super) start_byte: u64,
    pub(super) end_byte: u64,
    pub(super) quote: String,
}

#[derive(Serialize, Deserialize, Default, Clone, Copy, PartialEq)]
pub(super) enum ReviewStatusDto {
    #[default]
    Unreviewed,
    Accepted,
    Rejected,
    Flagged,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ReviewDto {
    pub(super) status: ReviewStatusDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) at_unix: Option<i64>,
    /// The reviewer's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
}

pub(super) fn is_unreviewed(r: &Option<ReviewDto>) -> bool {
    r.is_none()
}

/// A rejected suggestion: `(start_byte: 4, end_byte: 10, label: "Person", quote: "Peskov")`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RejectedDto {
    pub(super) start_byte: u64,
    pub(super) end_byte: u64,
    pub(super) label: String,
    pub(super) quote: String,
}

/// Where a span accepted from a suggestion came from.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SuggestedDto {
    pub(super) source: String,
    pub(super) version: String,
    pub(super) score_per_mille: u16,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SpanDto {
    pub(super) id: u32,
    pub(super) label: String,
    pub(super) ranges: Vec<RangeDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) entity: Option<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
    #[serde(default, skip_serializing_if = "is_unreviewed")]
    pub(super) review: Option<ReviewDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) suggested: Option<SuggestedDto>,
    pub(super) author: String,
    pub(super) created_unix: i64,
    pub(super) modified_unix: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EntityDto {
    pub(super) id: u32,
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
    pub(super) author: String,
    pub(super) created_unix: i64,
    pub(super) modified_unix: i64,
}

/// A relation argument: `Span("claim", 4)`, `Entity("supplier", 1)` or
/// another relation, `Relation("Theme", 7)`.
#[derive(Serialize, Deserialize)]
pub(super) enum ArgDto {
    Span(String, u32),
    Entity(String, u32),
    Relation(String, u32),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RelationDto {
    pub(super) id: u32,
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) args: Vec<ArgDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) evidence: Vec<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
    #[serde(default, skip_serializing_if = "is_unreviewed")]
    pub(super) review: Option<ReviewDto>,
    pub(super) author: String,
    pub(super) created_unix: i64,
    pub(super) modified_unix: i64,
}
