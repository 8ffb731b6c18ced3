//! The lines of an extracted article that are not the story, as data:
//! `assets/web-rules.ron` (see its header). Kept out of the extractor so
//! that adding a site's teaser line is an edit of patterns, not of code.

use std::sync::OnceLock;

use regex::{RegexSet, RegexSetBuilder};
use serde::Deserialize;

/// The bundled rules' source.
pub const BUNDLED: &str = include_str!("../../../assets/web-rules.ron");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesDto {
    version: u32,
    drop: Vec<String>,
    end: Vec<String>,
}

/// Compiled rules.
#[derive(Debug)]
pub struct Rules {
    pub version: u32,
    drop: RegexSet,
    end: RegexSet,
}

impl Rules {
    /// Reads rules; the error names the line and column, or the pattern.
    pub fn parse(src: &str) -> Result<Rules, String> {
        let dto: RulesDto =
            ron::from_str(src).map_err(|e| format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code))?;
        let compile = |patterns: &[String]| {
            RegexSetBuilder::new(patterns.iter().map(|p| format!(r"^\s*(?:{p})\s*$")))
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("a pattern does not compile: {e}"))
        };
        Ok(Rules { version: dto.version, drop: compile(&dto.drop)?, end: compile(&dto.end)? })
    }

    /// The bundled rules (`assets/web-rules.ron`). A test checks they
    /// parse; were they broken, no line would be removed.
    pub fn bundled() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| {
            Rules::parse(BUNDLED).unwrap_or_else(|_| Rules {
                version: 0,
                drop: RegexSet::empty(),
                end: RegexSet::empty(),
            })
        })
    }

    /// The lines to keep: an `end` line in the last third of the text
    /// ends it (a comment section), and `drop` lines are left out.
    pub fn apply<'a>(&self, lines: &[&'a str]) -> Vec<&'a str> {
        let from = lines.len() * 2 / 3;
        let end = (from..lines.len()).find(|&i| self.end.is_match(lines[i])).unwrap_or(lines.len());
        lines[..end].iter().copied().filter(|l| !self.drop.is_match(l)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_rules_parse() {
        let rules = Rules::parse(BUNDLED).unwrap();
        assert!(rules.version >= 1);
        assert!(rules.drop.len() >= 10, "{}", rules.drop.len());
    }

    #[test]
    fn teasers_and_ads_go_the_story_stays() {
        let lines = [
            "Kim Jong Un menerima senapan dari Putin.",
            "Baca juga: Pasukan Ukraina Jiplak Taktik Rusia",
            "BACA JUGA - Rusia dan Korut",
            "  ADVERTISEMENT ",
            "Scroll to continue with content",
            "Juru bicara Kremlin, Dmitry Peskov, membantah. Baca juga laporannya.",
            "Iklan",
            "Rusia membantah mengirim senjata.",
        ];
        assert_eq!(
            Rules::bundled().apply(&lines),
            [
                "Kim Jong Un menerima senapan dari Putin.",
                "Juru bicara Kremlin, Dmitry Peskov, membantah. Baca juga laporannya.",
                "Rusia membantah mengirim senjata."
            ]
        );
    }

    #[test]
    fn a_comment_prompt_ends_the_story_only_near_its_end() {
        let rules = Rules::bundled();
        let tail = [
            "Satu.",
            "Dua.",
            "Tiga.",
            "Empat.",
            "Kirim Komentar",
            "Isi komentar sepenuhnya adalah tanggung jawab pengguna.",
            "Komentar pertama",
        ];
        assert_eq!(rules.apply(&tail), ["Satu.", "Dua.", "Tiga.", "Empat."]);
        // Early in the text, the same line is not a comment section.
        let early = ["Kirim Komentar", "Satu.", "Dua.", "Tiga."];
        assert_eq!(rules.apply(&early), early);
    }

    /// Share bars, newsletter boxes and cookie notices go; story lines that
    /// name the same networks or cookies stay.
    #[test]
    fn share_bars_sign_ups_and_cookie_notices_go() {
        let lines = [
            "Whatsapp Facebook Pint Baixar",
            "Kremlin membantah laporan itu di Facebook dan Twitter.",
            "Facebook | Twitter | Email",
            "Advert",
            "Thanks for signing up!",
            "Keep an eye on your inbox for the latest sports news.",
            "Facebook",
            "Dua.",
            "Tiga.",
            "Privacy Overview",
            "This website uses cookies to improve your experience.",
        ];
        assert_eq!(
            Rules::bundled().apply(&lines),
            ["Kremlin membantah laporan itu di Facebook dan Twitter.", "Facebook", "Dua.", "Tiga."]
        );
    }

    #[test]
    fn a_broken_pattern_is_named() {
        let e = Rules::parse("(version: 1, drop: [\"(unclosed\"], end: [])").unwrap_err();
        assert!(e.contains("does not compile"), "{e}");
        let e = Rules::parse("(version: 1, drop: [").unwrap_err();
        assert!(e.starts_with("1:"), "{e}");
    }
}
