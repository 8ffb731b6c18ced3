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
    #[serde(default)]
    teaser_headings: Vec<String>,
    #[serde(default)]
    teaser_containers: Vec<String>,
}

/// Compiled rules.
#[derive(Debug)]
pub struct Rules {
    pub version: u32,
    drop: RegexSet,
    end: RegexSet,
    teaser_headings: RegexSet,
    teaser_containers: RegexSet,
}

impl Rules {
    /// Reads rules; the error names the line and column, or the pattern.
    pub fn parse(src: &str) -> Result<Rules, String> {
        let dto: RulesDto =
            ron::from_str(src).map_err(|e| format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code))?;
        let compile = |patterns: &[String], line: bool| {
            // Lines and headings are matched whole (a heading may end in
            // ':', '.' or '…'); class and id names anywhere.
            let whole = |p: &String| {
                if line { format!(r"^\s*(?:{p})\s*$") } else { format!(r"^\s*(?:{p})\s*[:.…]*\s*$") }
            };
            RegexSetBuilder::new(patterns.iter().map(whole))
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("a pattern does not compile: {e}"))
        };
        let containers = RegexSetBuilder::new(&dto.teaser_containers)
            .case_insensitive(true)
            .build()
            .map_err(|e| format!("a pattern does not compile: {e}"))?;
        Ok(Rules {
            version: dto.version,
            drop: compile(&dto.drop, true)?,
            end: compile(&dto.end, true)?,
            teaser_headings: compile(&dto.teaser_headings, false)?,
            teaser_containers: containers,
        })
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
                teaser_headings: RegexSet::empty(),
                teaser_containers: RegexSet::empty(),
            })
        })
    }

    /// The lines to keep: an `end` line in the last third of the text
    /// ends it (a comment section), and `drop` lines are left out. What is
    /// left is looked at again, so a comment prompt above a cookie notice
    /// goes too once the notice has.
    pub fn apply<'a>(&self, lines: &[&'a str]) -> Vec<&'a str> {
        let mut end = lines.len();
        while let Some(i) = (end * 2 / 3..end).find(|&i| self.end.is_match(lines[i])) {
            end = i;
        }
        lines[..end].iter().copied().filter(|l| !self.drop.is_match(l)).collect()
    }

    /// Whether a heading's text names a teaser box ("You may also like",
    /// "Baca juga").
    pub fn is_teaser_heading(&self, text: &str) -> bool {
        self.teaser_headings.is_match(text)
    }

    /// Whether an element's class or id names a teaser box ("related",
    /// "newsletter").
    pub fn is_teaser_container(&self, class: &str, id: &str) -> bool {
        self.teaser_containers.is_match(class) || self.teaser_containers.is_match(id)
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

    /// Once a cookie notice at the very end goes, the comment prompt
    /// above it is in the last third of what is left, and goes too.
    #[test]
    fn an_ending_is_looked_for_again_in_what_is_left() {
        let story = ["Satu.", "Dua.", "Tiga.", "Empat.", "Lima.", "Enam."];
        let tail = [
            "Tell us what YOU think...",
            "Privacy Overview",
            "This website uses cookies to improve your experience.",
            "Necessary cookies are absolutely essential.",
            "Any cookies that may not be necessary.",
        ];
        assert_eq!(Rules::bundled().apply(&[&story[..], &tail[..]].concat()), story);
        // A post's closing category line.
        let filed = [&story[..], &["Filed under: Khawarij |"][..]].concat();
        assert_eq!(Rules::bundled().apply(&filed), story);
    }

    /// Reading-time labels and consent lines go wherever they are; a story
    /// line about cookies or reading stays.
    #[test]
    fn reading_times_and_consent_lines_go() {
        let lines = [
            "We use cookies and other tracking technologies to improve your browsing experience on our site.",
            "By choosing I Accept, you consent to our use of cookies and other tracking technologies.",
            "Tempo de leitura: 2 minutos",
            "Waktu baca: 3 menit",
            "5 min read",
            "Continue Reading Below",
            "This slideshow requires JavaScript.",
            "Regulators said the site used cookies to track readers for years.",
            "Membaca butuh waktu: Kim membaca surat itu selama 3 menit.",
        ];
        assert_eq!(
            Rules::bundled().apply(&lines),
            [
                "Regulators said the site used cookies to track readers for years.",
                "Membaca butuh waktu: Kim membaca surat itu selama 3 menit."
            ]
        );
    }

    #[test]
    fn teaser_headings_and_containers_are_named() {
        let r = Rules::bundled();
        for h in ["You may also like...", "Berita Terkait", "BACA JUGA:", "Related Stories", "Você pode gostar…"] {
            assert!(r.is_teaser_heading(h), "{h}");
        }
        for h in ["Rusia membantah", "Related to the war, Kremlin says", "Popularity of Putin"] {
            assert!(!r.is_teaser_heading(h), "{h}");
        }
        assert!(r.is_teaser_container("box Related-Posts", ""));
        assert!(r.is_teaser_container("", "newsletter-signup"));
        assert!(!r.is_teaser_container("entry-content", "post-12"));
    }

    #[test]
    fn a_broken_pattern_is_named() {
        let e = Rules::parse("(version: 1, drop: [\"(unclosed\"], end: [])").unwrap_err();
        assert!(e.contains("does not compile"), "{e}");
        let e = Rules::parse("(version: 1, drop: [").unwrap_err();
        assert!(e.starts_with("1:"), "{e}");
    }
}
