//! The file's data as serde reads and writes it.

use super::*;

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

/// A relation argument: `Span("claim", 4)` or `Entity("supplier", 1)`.
#[derive(Serialize, Deserialize)]
pub(super) enum ArgDto {
    Span(String, u32),
    Entity(String, u32),
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
