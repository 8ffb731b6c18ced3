//! One table for every command: its menu text and its shortcut. Menus,
//! the shortcut handler and the README's shortcut table all read it.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    OpenArticle,
    OpenUrl,
    OpenAnnotations,
    Export,
    Import,
    Reanchor,
    Save,
    SaveAs,
    Quit,
    Undo,
    Redo,
    Delete,
    Find,
    NextAnnotation,
    PrevAnnotation,
    ClearSelection,
    AddFragment,
    MoveStartLeft,
    MoveStartRight,
    MoveEndLeft,
    MoveEndRight,
    FontBigger,
    FontSmaller,
    NewRelation,
    AssignSource,
    AssignCue,
    AssignOutlet,
    LinkEntity,
    LinkAllMentions,
    ToggleArcs,
    OpenFolder,
    NextDocument,
    PrevDocument,
    MarkDone,
    ToggleReview,
    OpenForReview,
    Compare,
    Graph,
    Search,
    CheckConsistency,
    PageText,
    Preferences,
    ToggleSuggestions,
    NextSuggestion,
    PrevSuggestion,
    AcceptSuggestion,
    RejectSuggestion,
    ScrollDown,
    ScrollUp,
    ScrollToStart,
    ScrollToEnd,
}

const fn sc(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CMD_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };
const ALT_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::ALT };
const CMD_ALT: Modifiers = Modifiers { alt: true, ..Modifiers::COMMAND };

impl Command {
    /// In the order shortcuts are checked (more modifiers first).
    pub const ALL: &'static [Command] = &[
        Command::ToggleSuggestions,
        Command::OpenForReview,
        Command::Search,
        Command::CheckConsistency,
        Command::PageText,
        Command::OpenUrl,
        Command::OpenFolder,
        Command::ToggleReview,
        Command::Compare,
        Command::Export,
        Command::Reanchor,
        Command::ToggleArcs,
        Command::AssignSource,
        Command::AssignCue,
        Command::AssignOutlet,
        Command::LinkEntity,
        Command::LinkAllMentions,
        Command::SaveAs,
        Command::Redo,
        Command::OpenAnnotations,
        Command::OpenArticle,
        Command::Import,
        Command::Save,
        Command::Quit,
        Command::Undo,
        Command::Find,
        Command::NextDocument,
        Command::PrevDocument,
        Command::MarkDone,
        Command::Graph,
        Command::Preferences,
        Command::AddFragment,
        // Alt and Shift variants before the plain keys they share.
        Command::AcceptSuggestion,
        Command::RejectSuggestion,
        Command::PrevSuggestion,
        Command::MoveEndLeft,
        Command::MoveEndRight,
        Command::MoveStartLeft,
        Command::MoveStartRight,
        Command::FontBigger,
        Command::FontSmaller,
        Command::Delete,
        Command::PrevAnnotation,
        Command::NextAnnotation,
        Command::ClearSelection,
        Command::NewRelation,
        Command::NextSuggestion,
        Command::ScrollToStart,
        Command::ScrollToEnd,
        Command::ScrollDown,
        Command::ScrollUp,
    ];

    pub fn text(self) -> &'static str {
        match self {
            Command::OpenArticle => "Open article…",
            Command::OpenUrl => "Open web page from its address (URL)…",
            Command::OpenAnnotations => "Open annotations…",
            Command::Save => "Save",
            Command::SaveAs => "Save As…",
            Command::Export => "Export…",
            Command::Import => "Import…",
            Command::Reanchor => "Re-anchor onto a new version of the article…",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Delete => "Delete annotation",
            Command::Find => "Find…",
            Command::NextAnnotation => "Next annotation",
            Command::PrevAnnotation => "Previous annotation",
            Command::ClearSelection => "Clear selection",
            Command::AddFragment => "Add the find match as a fragment",
            Command::MoveStartLeft => "Move start one word left",
            Command::MoveStartRight => "Move start one word right",
            Command::MoveEndLeft => "Move end one word left",
            Command::MoveEndRight => "Move end one word right",
            Command::FontBigger => "Bigger text",
            Command::FontSmaller => "Smaller text",
            Command::NewRelation => "New relation from the selection",
            Command::AssignSource => "Claim: assign the nearest source (said_by)",
            Command::AssignCue => "Claim: assign the nearest cue",
            Command::AssignOutlet => "Claim: assign the nearest outlet (reported_by)",
            Command::LinkEntity => "Link the selection to an entity",
            Command::LinkAllMentions => "Link all mentions of the selection's entity…",
            Command::ToggleArcs => "Show all relation arcs",
            Command::OpenFolder => "Open folder (labeling session)…",
            Command::NextDocument => "Next document (saves this one)",
            Command::PrevDocument => "Previous document (saves this one)",
            Command::MarkDone => "Mark done (reviewed, in review mode)",
            Command::ToggleReview => "Review mode",
            Command::OpenForReview => "Open for review (annotations read-only)…",
            Command::Compare => "Compare and adjudicate annotation files…",
            Command::Graph => "Relationships across the folder",
            Command::Search => "Search the folder or document…",
            Command::CheckConsistency => "Check consistency of labels across the folder",
            Command::PageText => "Web page: switch between the article and the whole page text",
            Command::Preferences => "Preferences (annotator name)…",
            Command::ToggleSuggestions => "Suggestions (learnt from the folder's labels)",
            Command::NextSuggestion => "Next suggestion",
            Command::PrevSuggestion => "Previous suggestion",
            Command::AcceptSuggestion => "Accept the suggestion",
            Command::RejectSuggestion => "Reject the suggestion",
            Command::ScrollDown => "Scroll down a screen",
            Command::ScrollUp => "Scroll up a screen",
            Command::ScrollToStart => "Go to the start of the article",
            Command::ScrollToEnd => "Go to the end of the article",
        }
    }

    pub fn shortcut(self) -> KeyboardShortcut {
        match self {
            Command::OpenArticle => sc(Modifiers::COMMAND, Key::O),
            Command::OpenUrl => sc(CMD_ALT, Key::U),
            Command::OpenAnnotations => sc(CMD_SHIFT, Key::O),
            Command::Save => sc(Modifiers::COMMAND, Key::S),
            Command::SaveAs => sc(CMD_SHIFT, Key::S),
            Command::Export => sc(CMD_SHIFT, Key::E),
            Command::Import => sc(Modifiers::COMMAND, Key::I),
            Command::Reanchor => sc(CMD_SHIFT, Key::R),
            Command::Quit => sc(Modifiers::COMMAND, Key::Q),
            Command::Undo => sc(Modifiers::COMMAND, Key::Z),
            Command::Redo => sc(CMD_SHIFT, Key::Z),
            Command::Delete => sc(Modifiers::NONE, Key::Delete),
            Command::Find => sc(Modifiers::COMMAND, Key::F),
            Command::NextAnnotation => sc(Modifiers::NONE, Key::Tab),
            Command::PrevAnnotation => sc(Modifiers::SHIFT, Key::Tab),
            Command::ClearSelection => sc(Modifiers::NONE, Key::Escape),
            Command::AddFragment => sc(Modifiers::COMMAND, Key::Plus),
            Command::MoveStartLeft => sc(Modifiers::ALT, Key::ArrowLeft),
            Command::MoveStartRight => sc(Modifiers::ALT, Key::ArrowRight),
            Command::MoveEndLeft => sc(ALT_SHIFT, Key::ArrowLeft),
            Command::MoveEndRight => sc(ALT_SHIFT, Key::ArrowRight),
            Command::FontBigger => sc(Modifiers::COMMAND, Key::Equals),
            Command::FontSmaller => sc(Modifiers::COMMAND, Key::Minus),
            Command::NewRelation => sc(Modifiers::NONE, Key::R),
            Command::AssignSource => sc(Modifiers::COMMAND, Key::Num1),
            Command::AssignCue => sc(Modifiers::COMMAND, Key::Num2),
            Command::AssignOutlet => sc(Modifiers::COMMAND, Key::Num3),
            Command::LinkEntity => sc(Modifiers::COMMAND, Key::E),
            Command::LinkAllMentions => sc(Modifiers::COMMAND, Key::L),
            Command::ToggleArcs => sc(Modifiers::COMMAND, Key::R),
            Command::OpenFolder => sc(CMD_SHIFT, Key::F),
            Command::NextDocument => sc(Modifiers::COMMAND, Key::PageDown),
            Command::PrevDocument => sc(Modifiers::COMMAND, Key::PageUp),
            Command::MarkDone => sc(Modifiers::COMMAND, Key::Enter),
            Command::ToggleReview => sc(CMD_SHIFT, Key::V),
            Command::OpenForReview => sc(CMD_ALT, Key::O),
            Command::Compare => sc(CMD_SHIFT, Key::C),
            Command::Graph => sc(Modifiers::COMMAND, Key::G),
            Command::Search => sc(CMD_ALT, Key::F),
            Command::CheckConsistency => sc(CMD_ALT, Key::C),
            Command::PageText => sc(CMD_ALT, Key::W),
            Command::Preferences => sc(Modifiers::COMMAND, Key::Comma),
            Command::ToggleSuggestions => sc(CMD_ALT, Key::S),
            Command::NextSuggestion => sc(Modifiers::NONE, Key::F8),
            Command::PrevSuggestion => sc(Modifiers::SHIFT, Key::F8),
            Command::AcceptSuggestion => sc(Modifiers::ALT, Key::Enter),
            Command::RejectSuggestion => sc(Modifiers::ALT, Key::Delete),
            Command::ScrollDown => sc(Modifiers::NONE, Key::PageDown),
            Command::ScrollUp => sc(Modifiers::NONE, Key::PageUp),
            Command::ScrollToStart => sc(Modifiers::COMMAND, Key::Home),
            Command::ScrollToEnd => sc(Modifiers::COMMAND, Key::End),
        }
    }

    /// Whether the shortcut is a plain key that a text field would want.
    pub fn is_plain(self) -> bool {
        let m = self.shortcut().modifiers;
        !m.command && !m.ctrl
    }
}

/// The README's shortcut table, generated from the command table (a test
/// checks that the README holds exactly this).
pub fn markdown_table() -> String {
    let mut s = String::from("| action | shortcut |\n| --- | --- |\n");
    let mut all: Vec<Command> = Command::ALL.to_vec();
    all.sort_by_key(|c| c.order());
    for cmd in all {
        let sc = cmd.shortcut();
        let mut keys = Vec::new();
        if sc.modifiers.command || sc.modifiers.ctrl {
            keys.push("Ctrl".to_string());
        }
        if sc.modifiers.alt {
            keys.push("Alt".to_string());
        }
        if sc.modifiers.shift {
            keys.push("Shift".to_string());
        }
        keys.push(sc.logical_key.name().to_string());
        s.push_str(&format!("| {} | {} |\n", cmd.text(), keys.join("+")));
    }
    s
}

impl Command {
    /// Menu order, for the documentation table.
    fn order(self) -> usize {
        [
            Command::OpenArticle,
            Command::OpenUrl,
            Command::OpenAnnotations,
            Command::OpenFolder,
            Command::OpenForReview,
            Command::Compare,
            Command::Save,
            Command::SaveAs,
            Command::Export,
            Command::Import,
            Command::Reanchor,
            Command::Preferences,
            Command::Quit,
            Command::Undo,
            Command::Redo,
            Command::Delete,
            Command::Find,
            Command::AddFragment,
            Command::NextAnnotation,
            Command::PrevAnnotation,
            Command::ClearSelection,
            Command::MoveStartLeft,
            Command::MoveStartRight,
            Command::MoveEndLeft,
            Command::MoveEndRight,
            Command::NewRelation,
            Command::AssignSource,
            Command::AssignCue,
            Command::AssignOutlet,
            Command::LinkEntity,
            Command::LinkAllMentions,
            Command::ToggleArcs,
            Command::NextDocument,
            Command::PrevDocument,
            Command::MarkDone,
            Command::ToggleReview,
            Command::Graph,
            Command::Search,
            Command::CheckConsistency,
            Command::ToggleSuggestions,
            Command::NextSuggestion,
            Command::PrevSuggestion,
            Command::AcceptSuggestion,
            Command::RejectSuggestion,
            Command::PageText,
            Command::FontBigger,
            Command::FontSmaller,
            Command::ScrollDown,
            Command::ScrollUp,
            Command::ScrollToStart,
            Command::ScrollToEnd,
        ]
        .iter()
        .position(|c| *c == self)
        .unwrap_or(usize::MAX)
    }
}
