//! What the user asked for while drawing, applied after the frame.

use super::*;

/// Something the user asked for while drawing; applied after the frame.
#[derive(Clone, Debug)]
pub enum Action {
    Run(Command),
    Select(Option<SpanId>),
    /// Select a span and bring it into view.
    Reveal(SpanId),
    SetSelection(Vec<ByteRange>),
    /// Label the selection (or relabel the selected span) with a label index.
    Label(u16),
    /// Apply a prepared edit with a one-line summary.
    Edit(Edit, String),
    Open(PathBuf),
    SaveTo(PathBuf),
    ShowDialog(Dialog),
    CloseDialog,
    /// Close the window, discarding unsaved changes.
    ForceQuit,
    SetTheme(ThemePref),
    Restore(PathBuf),
    /// Start building a relation from a target (or the selected span).
    StartDraft(Option<Target>),
    DraftKind(u16),
    DraftPick(Target),
    DraftNext,
    CancelDraft,
    SelectRelation(Option<RelationId>),
    /// Show what "link all matching mentions" would do for an entity.
    PreviewLinkAll(EntityId),
    CreateEntity,
    LinkTo(EntityId),
    CreateAndLink,
    CancelLink,
    /// Move the annotations onto this version of the article.
    Reanchor(PathBuf),
    /// Save to this path even though the file changed on disk.
    Overwrite(PathBuf),
    /// Drop this window's changes and read the file again.
    ReloadFromDisk(PathBuf),
    StartExport(transfer::ExportForm),
    StartImport(transfer::ImportForm),
    /// Open a folder as a labeling session.
    OpenFolder(PathBuf),
    /// Open the folder's document number `i` (saving the current one).
    OpenEntry(usize),
    /// Open a file (read-only for review when the flag is set) and show a span.
    OpenAt(PathBuf, Option<SpanId>),
    OpenForReview(PathBuf),
    /// Record a review decision on the current annotation and move on.
    ReviewMark(crate::model::ReviewStatus),
    /// Move the review cursor by this many annotations.
    ReviewMove(i32),
    /// Set the current annotation's note.
    ReviewNote(session::ReviewItem, String),
    /// Open the note field for an annotation in review mode.
    ReviewNoteStart(session::ReviewItem, String),
    /// Compare these annotation files of one article.
    StartCompare(Vec<PathBuf>),
    /// Take a version of a difference (adjudication).
    Decide(usize, crate::model::compare::Choice),
    /// Move to another difference.
    CompareGo(usize),
    /// Group the relationships of every file of the folder.
    StartGraph,
    /// Read the folder's files again.
    RescanFolder,
    /// Leave the compare view; the merged file stays open.
    EndCompare,
}
