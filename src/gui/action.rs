//! What the user asked for while drawing, applied after the frame. One
//! enum per feature, nested in [`Action`]; each is matched exhaustively by
//! the code that applies it (no catch-all arms), so a new action cannot be
//! silently ignored.

use super::*;
use crate::model::ReviewStatus;
use crate::model::compare::Choice;

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
    /// The preferences were closed: what changed applies to the open
    /// article too (its own file per annotator, or the shared one).
    PreferencesClosed,
    /// The system's file dialog, keeping the open dialog (the pick comes
    /// back as the purpose's action).
    BrowseFor(super::dialogs::PathPurpose),
    CloseDialog,
    /// Close the window, discarding unsaved changes.
    ForceQuit,
    SetTheme(ThemePref),
    Restore(PathBuf),
    SelectRelation(Option<RelationId>),
    /// Move the annotations onto this version of the article.
    Reanchor(PathBuf),
    /// Fetch a web page into a folder and open it.
    OpenUrl {
        url: String,
        folder: PathBuf,
    },
    /// Save to this path even though the file changed on disk.
    Overwrite(PathBuf),
    /// Drop this window's changes and read the file again.
    ReloadFromDisk(PathBuf),
    StartExport(transfer::ExportForm),
    StartImport(transfer::ImportForm),
    /// Building a relation.
    Draft(DraftAction),
    /// Entities and links to them.
    Entity(EntityAction),
    /// The folder being worked through.
    Folder(FolderAction),
    /// Review mode.
    Review(ReviewAction),
    /// Comparing and adjudicating.
    Compare(CompareAction),
    /// The search panel.
    Search(SearchAction),
    /// The Suggestions panel.
    Suggest(super::session::SuggestAction),
}

#[derive(Clone, Debug)]
pub enum SearchAction {
    /// Open the panel with the keyboard in the query field.
    Show,
    Close,
    /// Run the panel's query.
    Run,
    /// Move the chosen result.
    Move(i32),
    /// Open the document of a result (file, hit) at its text.
    OpenResult((usize, usize)),
    OpenCurrent,
    /// Show what labelling every result with this label will do.
    Preview(u16),
    /// Label every result (after the preview).
    LabelAll(u16),
    CancelPreview,
    /// Check the consistency of the folder's labels.
    Check,
    CloseCheck,
    /// Open a consistency finding's occurrence (finding, place), and give
    /// it this label there.
    OpenPlace(usize, usize, Option<String>),
}

#[derive(Clone, Debug)]
pub enum DraftAction {
    /// Start building a relation from a target (or the selected span).
    Start(Option<Target>),
    /// Choose the relation type (schema index).
    Kind(u16),
    /// Fill the current role with a target.
    Pick(Target),
    /// Skip an optional role, end a repeated one, or finish.
    Next,
    Cancel,
}

#[derive(Clone, Debug)]
pub enum EntityAction {
    /// Show what "link all matching mentions" would do for an entity.
    PreviewLinkAll(EntityId),
    /// Create the entity of the Entities panel's form.
    Create,
    /// Fill the Entities panel's form with an entity, to edit it.
    StartEdit(EntityId),
    /// Save the form over the entity being edited.
    SaveEdit,
    /// Leave the entity being edited as it was.
    CancelEdit,
    /// Link the selected mention to an entity.
    LinkTo(EntityId),
    /// Create an entity from the selected mention and link it.
    CreateAndLink,
    CancelLink,
}

#[derive(Clone, Debug)]
pub enum FolderAction {
    /// Open a folder as a labeling session.
    Open(PathBuf),
    /// Open the folder's document number `i` (saving the current one).
    OpenEntry(usize),
    /// Open the first document not finished yet from number `from` on; one
    /// that cannot be opened (an empty article, say) is skipped, and said
    /// so with the others in `skipped`.
    OpenUnfinished {
        from: usize,
        skipped: Vec<String>,
    },
    /// Open a file (read-only for review when the flag is set) and show a span.
    OpenAt(PathBuf, Option<SpanId>),
    OpenForReview(PathBuf),
    /// Read the folder's files again.
    Rescan,
    /// Group the relationships of every file of the folder.
    Relationships,
}

#[derive(Clone, Debug)]
pub enum ReviewAction {
    /// Record a review decision on the current annotation and move on.
    Mark(ReviewStatus),
    /// Move the review cursor by this many annotations.
    Move(i32),
    /// A filter changed: stay on the annotation if it still matches.
    Filtered,
    /// Set the current annotation's note.
    Note(session::ReviewItem, String),
    /// Open the note field for an annotation in review mode.
    NoteStart(session::ReviewItem, String),
}

#[derive(Clone, Debug)]
pub enum CompareAction {
    /// Compare these annotation files of one article.
    Start(Vec<PathBuf>),
    /// Take a version of a difference (adjudication).
    Decide(usize, Choice),
    /// Keep (`true`) or leave out a relation that not every annotator drew.
    Relation(crate::model::RelationId, bool),
    /// Move to another difference.
    Go(usize),
    /// Leave the compare view; the merged file stays open.
    End,
    /// Add a file (chosen with Browse…) to the compare dialog, ticked.
    AddFile(PathBuf),
}
