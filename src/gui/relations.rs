//! Relations and entities in the window: the relation chooser (role by
//! role, then evidence), one-key attribution for claims, linking mentions
//! to entities, arcs over the text, and the relations and entities panels.

use egui::{Color32, Pos2, Rect, Stroke, pos2, vec2};

use super::{Action, SorotApp, short};
use crate::gui::{DraftAction, EntityAction};
use crate::model::attribution::Attribution;
use crate::model::draft::Step;
use crate::model::*;

pub use crate::model::draft::{Draft, target_text};

impl SorotApp {
    /// Starts a relation from the selected span (or a given target).
    pub(super) fn start_draft(&mut self, origin: Option<Target>) {
        let Some(origin) = origin.or(self.selected.map(Target::Span)) else {
            self.status = "Select an annotation first, then press R".into();
            return;
        };
        match Draft::start(&self.doc.store, origin) {
            Ok(d) => self.draft = Some(d),
            Err(e) => self.status = e,
        }
    }

    /// Applies one step of the draft; a completed draft becomes a relation.
    fn draft_step(&mut self, step: impl FnOnce(&mut Draft, &Store) -> Result<Step, String>) {
        let Some(d) = self.draft.as_mut() else { return };
        match step(d, &self.doc.store) {
            Ok(Step::Continue) => {}
            Ok(Step::Complete) => self.finish_draft(),
            Err(e) => self.status = e,
        }
    }

    /// Picks the relation type; the origin fills the first role that accepts it.
    pub(super) fn draft_kind(&mut self, kind: u16) {
        self.draft_step(|d, store| Ok(d.choose_kind(store, kind)));
    }

    /// Fills the current role (or adds evidence) with a target, if it fits.
    pub(super) fn draft_pick(&mut self, target: Target) {
        self.draft_step(|d, store| d.pick(store, target));
    }

    /// Enter: skips an optional (or filled `many`) role, or finishes.
    pub(super) fn draft_next(&mut self) {
        self.draft_step(|d, store| d.next(store));
    }

    fn finish_draft(&mut self) {
        let Some(d) = self.draft.take() else { return };
        let name = d.relation_type(&self.doc.store).map_or("?", |t| t.name.as_str()).to_owned();
        let id = RelationId(self.doc.store.alloc_id());
        let Some(rel) = d.into_relation(id, Provenance::new(&self.prefs.annotator, Timestamp::now())) else { return };
        let summary = format!("Created {name} {id}");
        match self.doc.apply(Edit::AddRelation(rel), summary.clone()) {
            Ok(()) => {
                self.status = summary;
                self.selected_relation = Some(id);
            }
            Err(e) => self.status = format!("Not done: {e}"),
        }
    }

    /// Ctrl+1 / 2 / 3 on a claim: the nearest fitting span in its paragraph
    /// becomes its source, cue, or outlet (see [`crate::model::attribution`]).
    pub(super) fn attribute(&mut self, what: Attribution) {
        let Some(claim) = self.selected else {
            self.status = "Select a claim first".into();
            return;
        };
        let author = self.prefs.annotator.clone();
        match crate::model::attribution::attribute(&mut self.doc.store, claim, what, &author, Timestamp::now()) {
            Ok((edit, summary)) => self.edit(edit, summary),
            Err(e) => self.status = e,
        }
    }
}

/// Keys while a relation is being built: relation hotkeys pick the type,
/// 1–9 pick a candidate, Enter skips or finishes, Escape cancels.
pub fn draft_keys(ctx: &egui::Context, app: &SorotApp, actions: &mut Vec<Action>) -> bool {
    let Some(d) = &app.draft else { return false };
    let store = &app.doc.store;
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
        actions.push(Action::Draft(DraftAction::Cancel));
        return true;
    }
    if ctx.egui_wants_keyboard_input() {
        return true;
    }
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)) {
        actions.push(Action::Draft(DraftAction::Next));
    }
    match d.kind {
        None => {
            for (k, _) in store.relation_types_for(d.origin) {
                let Some(key) = store.relation_type(k).and_then(|t| t.hotkey) else { continue };
                if let Some(key) = egui::Key::from_name(&key.to_ascii_uppercase().to_string())
                    && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key))
                {
                    actions.push(Action::Draft(DraftAction::Kind(k)));
                }
            }
        }
        Some(_) => {
            const NUMS: [egui::Key; 9] = [
                egui::Key::Num1,
                egui::Key::Num2,
                egui::Key::Num3,
                egui::Key::Num4,
                egui::Key::Num5,
                egui::Key::Num6,
                egui::Key::Num7,
                egui::Key::Num8,
                egui::Key::Num9,
            ];
            for (i, id) in d.candidates(store).into_iter().enumerate() {
                if ctx.input_mut(|inp| inp.consume_key(egui::Modifiers::NONE, NUMS[i])) {
                    actions.push(Action::Draft(DraftAction::Pick(Target::Span(id))));
                }
            }
        }
    }
    true
}

/// The chooser bar above the text while a relation is being built.
pub fn draft_bar(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(d) = app.draft.as_mut() else { return };
    let store = &app.doc.store;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong("New relation");
            ui.label(format!("from {}", target_text(store, d.origin)));
            if ui.button("Cancel (Esc)").clicked() {
                actions.push(Action::Draft(DraftAction::Cancel));
            }
        });
        let Some(rt) = d.kind.and_then(|k| store.relation_type(k)) else {
            ui.horizontal_wrapped(|ui| {
                ui.label("Type:");
                for (k, role) in store.relation_types_for(d.origin) {
                    let Some(t) = store.relation_type(k) else { continue };
                    let key = t.hotkey.map(|c| format!("[{c}] ")).unwrap_or_default();
                    if ui.button(format!("{key}{} (as {role})", t.name)).on_hover_text(relation_rule(t)).clicked() {
                        actions.push(Action::Draft(DraftAction::Kind(k)));
                    }
                }
            });
            return;
        };
        for a in &d.args {
            ui.label(format!("{} {}: {}", rt.name, a.role, target_text(store, a.target)));
        }
        let candidates = d.candidates(store);
        match rt.roles.get(d.role) {
            Some(role) => {
                let opt = if role.optional { ", optional: Enter skips" } else { "" };
                let many = if role.many { ", several: Enter when done" } else { "" };
                ui.strong(format!(
                    "Next: {} ({}{opt}{many}) — click a highlight or press its number",
                    role.name,
                    role.accepts.join(", ")
                ));
            }
            None => {
                ui.label(format!("Evidence so far: {}", d.evidence.len()));
                ui.strong(format!("Evidence ({}): click or press a number; Enter finishes", rt.evidence.join(", ")));
            }
        }
        ui.horizontal_wrapped(|ui| {
            for (i, id) in candidates.iter().enumerate() {
                if ui.button(format!("{} {}", i + 1, target_text(store, Target::Span(*id)))).clicked() {
                    actions.push(Action::Draft(DraftAction::Pick(Target::Span(*id))));
                }
            }
        });
        if rt.roles.get(d.role).is_some() {
            ui.horizontal_wrapped(|ui| {
                let l = ui.label("Entity");
                let r = ui.add(egui::TextEdit::singleline(&mut d.entity_query).desired_width(160.0)).labelled_by(l.id);
                let entities = d.entity_candidates(store);
                if r.lost_focus()
                    && ui.input(|i| i.key_pressed(egui::Key::Enter))
                    && let Some(first) = entities.first()
                {
                    actions.push(Action::Draft(DraftAction::Pick(Target::Entity(*first))));
                }
                for e in entities.iter().take(8) {
                    if ui.button(target_text(store, Target::Entity(*e))).clicked() {
                        actions.push(Action::Draft(DraftAction::Pick(Target::Entity(*e))));
                    }
                }
            });
        }
        if ui.button("Next / finish (Enter)").clicked() {
            actions.push(Action::Draft(DraftAction::Next));
        }
    });
}

/// Arcs from each relation's first argument to its other arguments and
/// evidence, for the selected/hovered span's relations (or all in view).
/// Ends that are off screen get a button at the edge that jumps there.
pub fn arcs(
    ui: &mut egui::Ui,
    app: &SorotApp,
    rects: &std::collections::HashMap<SpanId, Rect>,
    focus: &[SpanId],
    actions: &mut Vec<Action>,
) {
    let store = &app.doc.store;
    let clip = ui.clip_rect();
    let painter = ui.painter_at(clip);
    let text_color = ui.visuals().text_color();
    let rect_of = |t: Target| -> Option<Rect> {
        match t {
            Target::Span(id) => rects.get(&id).copied(),
            // A relation argument is drawn at its trigger or first argument.
            Target::Relation(_) => store.first_mention(t).and_then(|s| rects.get(&s).copied()),
            Target::Entity(e) => store
                .mentions_of(e)
                .iter()
                .filter_map(|m| rects.get(m))
                .min_by(|a, b| a.top().total_cmp(&b.top()))
                .copied(),
        }
    };
    let mut offscreen: Vec<(bool, String, SpanId)> = Vec::new();
    // Only the relations of the focused spans (or, with all arcs on, of the
    // spans in view) are looked at, through the store's index.
    let mut ids: Vec<RelationId> = Vec::new();
    let add_refs = |span: SpanId, ids: &mut Vec<RelationId>| {
        ids.extend(store.relations_using(Target::Span(span)));
        if let Some(e) = store.span(span).and_then(|s| s.entity) {
            ids.extend(store.relations_using(Target::Entity(e)));
        }
    };
    for f in focus {
        add_refs(*f, &mut ids);
    }
    if app.show_all_arcs {
        for id in rects.keys() {
            add_refs(*id, &mut ids);
        }
    }
    ids.extend(app.selected_relation);
    ids.sort_unstable();
    ids.dedup();
    // Arcs run in the gaps between rows and down the gutter right of the
    // text; labels sit in the gutter (#19 item 5): neither covers a glyph.
    let gutter = app.view.gutter();
    let mut labels: Vec<Rect> = Vec::new();
    let mut lane = 0usize;
    for rel in ids.iter().filter_map(|id| store.relation(*id)) {
        let name = store.relation_type(rel.kind).map_or("?", |t| t.name.as_str());
        let colour = if Some(rel.id) == app.selected_relation {
            Color32::from_rgb(230, 80, 60)
        } else {
            text_color.gamma_multiply(0.8)
        };
        let ends: Vec<(String, Target)> = rel
            .args
            .iter()
            .map(|a| (a.role.to_string(), a.target))
            .chain(rel.evidence.iter().map(|e| ("evidence".to_string(), Target::Span(*e))))
            .collect();
        let Some((_, first)) = ends.first().cloned() else { continue };
        let from = rect_of(first);
        for (role, t) in ends.iter().skip(1) {
            match (from, rect_of(*t)) {
                (Some(a), Some(b)) => {
                    let label = format!("{name}: {role}");
                    let galley = painter.layout_no_wrap(label.clone(), egui::FontId::proportional(11.0), colour);
                    let size = galley.size() + vec2(4.0, 0.0);
                    let half = app.view.half_leading();
                    let placed = draw_arc(&painter, a, b, (gutter, half), lane, colour, size, &labels);
                    lane += 1;
                    if let Some(r) = placed {
                        labels.push(r);
                        // A stable id: the label is there frame after frame
                        // whatever else is drawn.
                        let id = ui.scope_id().with(("arc-label", rel.id, role.as_str(), t));
                        let shown = ui.interact(r, id, egui::Sense::click());
                        shown.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), &label));
                        let painter = painter.with_clip_rect(r.intersect(clip));
                        painter.galley(r.min + vec2(2.0, 0.0), galley, colour);
                        if shown.on_hover_text(format!("{label}\n{}", relation_line(store, rel))).clicked() {
                            actions.push(Action::SelectRelation(Some(rel.id)));
                        }
                    }
                }
                (Some(_), None) | (None, Some(_)) => {
                    let missing = if from.is_none() { first } else { *t };
                    if let Target::Span(id) = missing
                        && let Some(s) = store.span(id)
                    {
                        let above = app.view_first_visible_byte().is_some_and(|b| s.start() < b);
                        offscreen.push((above, format!("{name} {role}: {}", target_text(store, missing)), id));
                    }
                }
                (None, None) => {}
            }
        }
    }
    offscreen.sort_by(|a, b| a.1.cmp(&b.1));
    offscreen.dedup_by(|a, b| a.2 == b.2);
    // Buttons to the ends out of view, in the gutter (cut to its width,
    // whole on hover) so that they cover no text; on a window too narrow
    // for a gutter, at the right edge.
    let (left, width) = if gutter.width() >= 80.0 {
        (gutter.left() + 2.0, gutter.width() - 4.0)
    } else {
        (clip.right() - 340.0, 320.0)
    };
    for (i, (above, text, id)) in offscreen.into_iter().take(6).enumerate() {
        let y = if above { clip.top() + 4.0 + i as f32 * 22.0 } else { clip.bottom() - 26.0 - i as f32 * 22.0 };
        let r = Rect::from_min_size(pos2(left, y), vec2(width, 20.0));
        let arrow = if above { "↑" } else { "↓" };
        let text = format!("{arrow} {text}");
        if ui.put(r, egui::Button::new(text.as_str()).small().truncate()).on_hover_text(text.as_str()).clicked() {
            actions.push(Action::Reveal(id));
        }
    }
}

/// The points of an arc from span `a` to span `b` (row rects) that crosses
/// no glyph: a stub up from `a` into the gap at the top of its row (glyphs
/// are centred in their rows, so rows meet in the middle of the leading),
/// along that gap, then — when `b` is on another row — down the gutter at
/// `gutter_x` and along the gap above `b`'s row, and a stub down onto `b`.
/// `lift` (a pixel or three) keeps arcs that share a gap apart.
pub fn arc_path(a: Rect, b: Rect, gutter_x: f32, lift: f32) -> Vec<Pos2> {
    let (xa, xb) = (a.center().x, b.center().x);
    let (ya, yb) = (a.top() - lift, b.top() - lift);
    if (a.top() - b.top()).abs() < 1.0 {
        vec![pos2(xa, a.top()), pos2(xa, ya), pos2(xb, ya), pos2(xb, b.top())]
    } else {
        vec![pos2(xa, a.top()), pos2(xa, ya), pos2(gutter_x, ya), pos2(gutter_x, yb), pos2(xb, yb), pos2(xb, b.top())]
    }
}

/// Where an arc's label goes: in the gutter, beside the arc's run down it
/// (or, for an arc within one row, level with its gap), moved down past
/// labels already placed. `None` when the gutter has no room.
pub fn label_rect(path: &[Pos2], gutter: Rect, size: egui::Vec2, placed: &[Rect]) -> Option<Rect> {
    let left = gutter.left() + 22.0;
    let width = size.x.min(gutter.right() - left);
    if width < 24.0 {
        return None;
    }
    let y = match path {
        [_, p, _, q, ..] if path.len() == 6 => (p.y + q.y) / 2.0,
        [_, p, ..] => p.y,
        _ => return None,
    };
    let mut r = Rect::from_min_size(pos2(left, y - size.y / 2.0), vec2(width, size.y));
    while placed.iter().any(|o| o.intersects(r)) {
        r = r.translate(vec2(0.0, size.y + 1.0));
    }
    Some(r)
}

/// Draws one arc (see [`arc_path`]) and a dot where it lands; returns where
/// its label goes, or `None` when there is no room for one (the relation's
/// row in the panel names it).
#[allow(clippy::too_many_arguments)]
fn draw_arc(
    painter: &egui::Painter,
    a: Rect,
    b: Rect,
    (gutter, half_leading): (Rect, f32),
    lane: usize,
    colour: Color32,
    label_size: egui::Vec2,
    placed: &[Rect],
) -> Option<Rect> {
    // In the leading above the row, clear of the span's own outline.
    let lift = half_leading * (0.5 + 0.25 * (lane % 3) as f32);
    let gutter_x = if gutter.width() > 0.0 {
        gutter.left() + 2.0 + (lane % 6) as f32 * 3.0
    } else {
        // No gutter on a narrow window: down the right edge.
        painter.clip_rect().right() - 6.0 - (lane % 3) as f32 * 3.0
    };
    let path = arc_path(a, b, gutter_x, lift);
    let end = *path.last()?;
    painter.add(egui::Shape::line(path.clone(), Stroke::new(1.5, colour)));
    painter.circle_filled(end, 2.5, colour);
    let r = label_rect(&path, gutter, label_size, placed)?;
    if path.len() == 4 {
        // Within one row: a dashed leader along its gap to the label.
        let y = path[1].y;
        let from = pos2(path[1].x.max(path[2].x), y);
        painter.add(egui::Shape::dashed_line(
            &[from, pos2(r.left() - 2.0, y)],
            Stroke::new(1.0, colour.gamma_multiply(0.6)),
            3.0,
            3.0,
        ));
    }
    Some(r)
}

/// The relations panel: every relation with its type, arguments by role,
/// evidence and attributes; the selected one can be edited or deleted.
pub fn relations_panel(ui: &mut egui::Ui, app: &SorotApp, actions: &mut Vec<Action>) {
    let store = &app.doc.store;
    egui::CollapsingHeader::new(format!("Relations ({})", store.relations().len()))
        .id_salt("relations-panel")
        .open(app.selected_relation.is_some().then_some(true))
        .show(ui, |ui| {
            // One line per relation; only the rows in view are built.
            let rels: Vec<&Relation> = store.relations().collect();
            let row_h = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
            let scroll = egui::ScrollArea::vertical().id_salt("relations").max_height(220.0);
            scroll.show_rows(ui, row_h, rels.len(), |ui, range| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                for rel in rels[range].iter().copied() {
                    let Some(rt) = store.relation_type(rel.kind) else { continue };
                    let text = format!("{} {} — {}", rt.name, rel.id, relation_line(store, rel));
                    let selected = app.selected_relation == Some(rel.id);
                    // Rows are cut to the panel's width; the whole line on hover.
                    if ui.selectable_label(selected, text.as_str()).on_hover_text(text.as_str()).clicked() {
                        actions.push(Action::SelectRelation(Some(rel.id)));
                    }
                }
            });
            if let Some(rel) = app.selected_relation.and_then(|id| store.relation(id))
                && let Some(rt) = store.relation_type(rel.kind)
            {
                relation_details(ui, store, rel, rt, actions);
            }
        });
}

/// A relation's arguments by role, evidence count and attributes, on one line.
pub fn relation_line(store: &Store, rel: &Relation) -> String {
    let args: Vec<String> = rel.args.iter().map(|a| format!("{}: {}", a.role, target_text(store, a.target))).collect();
    let status = rel.attributes.values().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    format!(
        "{}{}{}",
        args.join("; "),
        if rel.evidence.is_empty() { String::new() } else { format!(" · {} evidence", rel.evidence.len()) },
        if status.is_empty() { String::new() } else { format!(" [{status}]") }
    )
}

fn relation_details(ui: &mut egui::Ui, store: &Store, rel: &Relation, rt: &RelationTypeDef, actions: &mut Vec<Action>) {
    ui.indent(("rel", rel.id.0), |ui| {
        ui.weak(relation_rule(rt));
        // Arguments that are relations (an event about an event) and the
        // relations using this one: a click selects them.
        for a in &rel.args {
            if let Target::Relation(id) = a.target
                && ui.link(format!("{}: {}", a.role, target_text(store, a.target))).clicked()
            {
                actions.push(Action::SelectRelation(Some(id)));
            }
        }
        let users = store.relations_using(Target::Relation(rel.id));
        for id in &users {
            let Some(user) = store.relation(*id) else { continue };
            let role = user.args.iter().find(|a| a.target == Target::Relation(rel.id)).map_or("", |a| a.role.as_str());
            let kind = store.relation_type(user.kind).map_or("?", |t| t.name.as_str());
            if ui.link(format!("{role} of {kind} {id}")).clicked() {
                actions.push(Action::SelectRelation(Some(*id)));
            }
        }
        for e in &rel.evidence {
            if ui.link(format!("evidence: {}", target_text(store, Target::Span(*e)))).clicked() {
                actions.push(Action::Reveal(*e));
            }
        }
        let mut new = rel.clone();
        for attr in &rt.attributes {
            if let AttrKind::Choice(values) = &attr.kind {
                let current = rel.attributes.get(&attr.name).map_or("—".to_string(), ToString::to_string);
                super::combo(ui, &format!("{} {}", rt.name, attr.name), current, |ui| {
                    for v in values {
                        if ui.selectable_label(false, v).clicked() {
                            new.attributes.insert(attr.name.clone(), AttrValue::Text(v.clone()));
                        }
                    }
                });
            }
        }
        if new != *rel {
            new.provenance.modified = Timestamp::now();
            actions.push(Action::Edit(Edit::ReplaceRelation(new), format!("Edited {} {}", rt.name, rel.id)));
        }
        let delete = ui.button("Delete relation");
        let delete = if users.is_empty() {
            delete
        } else {
            delete.on_hover_text(format!(
                "Also deletes {} that use it; one undo restores all",
                crate::model::plural(users.len(), "relation")
            ))
        };
        if delete.clicked() {
            let also = if users.is_empty() {
                String::new()
            } else {
                format!(" and {} using it", crate::model::plural(users.len(), "relation"))
            };
            actions.push(Action::Edit(Edit::RemoveRelation(rel.id), format!("Deleted {} {}{also}", rt.name, rel.id)));
            actions.push(Action::SelectRelation(None));
        }
    });
}

/// Entity panel state: the new-entity form.
#[derive(Default)]
pub struct EntityForm {
    pub name: String,
    pub kind: String,
    pub aliases: String,
    pub external_id: String,
    /// The entity the form edits; `None` while it makes a new one.
    pub editing: Option<EntityId>,
}

impl EntityForm {
    /// Puts the form's name, type, aliases (comma-separated) and external
    /// id into `e`, trimmed; an empty external id is none.
    pub fn fill(&self, e: &mut Entity) {
        e.name = self.name.trim().to_owned();
        e.kind = self.kind.clone();
        e.aliases = self.aliases.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
        e.external_id = Some(self.external_id.trim().to_owned()).filter(|q| !q.is_empty());
    }
}

/// The entities panel: entities with their mentions (click to jump), link
/// all matching mentions, start a relation, delete; and a form to create one.
pub fn entities_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let store = &app.doc.store;
    egui::CollapsingHeader::new(format!("Entities ({})", store.entities().len())).id_salt("entities-panel").show(
        ui,
        |ui| {
            for e in store.entities() {
                let mentions = store.mentions_of(e.id);
                let qid = e.external_id.as_deref().map(|q| format!(", {q}")).unwrap_or_default();
                egui::CollapsingHeader::new(format!(
                    "{} ({}{qid}) — {}",
                    e.name,
                    e.kind,
                    crate::model::plural(mentions.len(), "mention")
                ))
                .id_salt(("entity", e.id.0))
                .show(ui, |ui| {
                    if !e.aliases.is_empty() {
                        ui.weak(format!("aliases: {}", e.aliases.join(", ")));
                    }
                    // Each mention on a line of its own, with its context,
                    // so fourteen "Rusia" can be told apart.
                    for m in &mentions {
                        if let Some(s) = store.span(*m) {
                            let context = in_context(store, s, 20);
                            // One line each; the whole context on hover.
                            let link = ui.scope(|ui| {
                                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                                ui.link(&context)
                            });
                            if link.inner.on_hover_text(&context).clicked() {
                                actions.push(Action::Reveal(*m));
                            }
                        }
                    }
                    ui.horizontal_wrapped(|ui| {
                        if ui.button("Edit…").clicked() {
                            actions.push(Action::Entity(EntityAction::StartEdit(e.id)));
                        }
                        if ui.button("Link all matching mentions…").clicked() {
                            actions.push(Action::Entity(EntityAction::PreviewLinkAll(e.id)));
                        }
                        if ui.button("New relation…").clicked() {
                            actions.push(Action::Draft(DraftAction::Start(Some(Target::Entity(e.id)))));
                        }
                        if ui.button("Delete entity").clicked() {
                            actions.push(Action::Edit(Edit::RemoveEntity(e.id), format!("Deleted entity {}", e.name)));
                        }
                    });
                });
            }
            ui.separator();
            let form = &mut app.entity_form;
            match form.editing.and_then(|id| store.entity(id)) {
                Some(e) => ui.strong(format!("Edit entity {}", e.name)),
                None => ui.label("New entity"),
            };
            let field = |ui: &mut egui::Ui, label: &str, value: &mut String| {
                ui.horizontal(|ui| {
                    let l = ui.label(label);
                    ui.add(egui::TextEdit::singleline(value).desired_width(160.0)).labelled_by(l.id);
                });
            };
            field(ui, "Name", &mut form.name);
            let kind = form.kind.clone();
            super::combo(ui, "Entity type", kind, |ui| {
                for t in &store.schema().entity_types {
                    ui.selectable_value(&mut form.kind, t.name.clone(), &t.name);
                }
            });
            field(ui, "Aliases", &mut form.aliases);
            field(ui, "External id", &mut form.external_id);
            // An entity deleted (or undone away) while edited: the form
            // makes a new one again.
            if form.editing.is_some_and(|id| store.entity(id).is_none()) {
                form.editing = None;
            }
            if form.editing.is_some() {
                ui.horizontal(|ui| {
                    if ui.button("Save changes").clicked() {
                        actions.push(Action::Entity(EntityAction::SaveEdit));
                    }
                    if ui.button("Cancel editing").clicked() {
                        actions.push(Action::Entity(EntityAction::CancelEdit));
                    }
                });
            } else if ui.button("Create entity").clicked() {
                actions.push(Action::Entity(EntityAction::Create));
            }
        },
    );
}

/// The bar for linking the selected span to an entity (Ctrl+E).
pub fn link_bar(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(query) = app.link_query.as_mut() else { return };
    let store = &app.doc.store;
    // A labelled mention, or text not labelled yet (linking labels it with
    // the entity's type).
    let span = app.selected.and_then(|id| store.span(id));
    let subject = match span {
        Some(span) => store.quote(span),
        None if !app.selection.is_empty() => {
            app.selection.iter().map(|r| store.text().slice(*r)).collect::<Vec<_>>().join(" ")
        }
        None => return,
    };
    let q = query.to_lowercase();
    let label_type = span.and_then(|s| store.schema().label(s.label as usize)).and_then(|l| l.entity_type.clone());
    let matches: Vec<&Entity> = store
        .entities()
        .filter(|e| label_type.as_deref().is_none_or(|t| store.schema().entity_type_is(&e.kind, t)))
        .filter(|e| {
            q.is_empty()
                || e.name.to_lowercase().contains(&q)
                || e.aliases.iter().any(|a| a.to_lowercase().contains(&q))
        })
        .collect();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!("Link “{}” to", short(&subject)));
            let l = ui.label("Entity name");
            let r = ui.add(egui::TextEdit::singleline(query).desired_width(180.0)).labelled_by(l.id);
            if app.link_focus {
                r.request_focus();
                app.link_focus = false;
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                match (matches.first(), span) {
                    (Some(e), _) => actions.push(Action::Entity(EntityAction::LinkTo(e.id))),
                    (None, Some(_)) => actions.push(Action::Entity(EntityAction::CreateAndLink)),
                    (None, None) => {}
                }
            }
            for e in matches.iter().take(8) {
                if ui.button(format!("{} ({})", e.name, e.kind)).clicked() {
                    actions.push(Action::Entity(EntityAction::LinkTo(e.id)));
                }
            }
            let kind = label_type.clone().unwrap_or_else(|| "?".into());
            if span.is_none() {
                ui.weak("A new entity takes its type from a label: label the text first");
            } else if ui
                .button(format!(
                    "Create “{}” as {kind}",
                    if query.is_empty() { subject.clone() } else { query.clone() }
                ))
                .clicked()
            {
                actions.push(Action::Entity(EntityAction::CreateAndLink));
            }
            if ui.button("Cancel").clicked() {
                actions.push(Action::Entity(EntityAction::CancelLink));
            }
        });
    });
}

/// A span on one line in its context, `chars` on each side: `…before
/// [span] after…` (line breaks as spaces).
pub fn in_context(store: &Store, s: &Span, chars: usize) -> String {
    let one_line = |t: &str| t.replace(['\n', '\r'], " ");
    format!(
        "…{}[{}]{}…",
        one_line(store.text().prefix_before(s.start(), chars)),
        one_line(&store.quote(s)),
        one_line(store.text().suffix_after(s.extent().end(), chars))
    )
}

/// One line for a proposed link: a new mention in its context, or an
/// existing span to link.
pub fn preview_line(store: &Store, edit: &Edit) -> String {
    match edit {
        Edit::AddSpan(s) => format!("new {}: {}", store.label_name(s.label), in_context(store, s, 30)),
        Edit::ReplaceSpan(s) => {
            format!("link {} {} “{}”", store.label_name(s.label), s.id, store.quote(s).replace(['\n', '\r'], " "))
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arcs between spans on rows of a text column cross no glyph (a row's
    /// glyphs fill it but for the leading, half above and half below), and
    /// their labels sit in the gutter without overlapping each other.
    #[test]
    fn arcs_run_between_rows_and_labels_sit_in_the_gutter() {
        let (row_h, leading, text_right) = (23.0_f32, 6.0_f32, 600.0_f32);
        let gutter = Rect::from_x_y_ranges(604.0..=754.0, 0.0..=2000.0);
        let row = |k: usize| k as f32 * row_h;
        let span = |k: usize, x0: f32, x1: f32| Rect::from_x_y_ranges(x0..=x1, row(k)..=row(k) + row_h);
        let glyphs: Vec<Rect> = (0..40)
            .map(|k| Rect::from_x_y_ranges(0.0..=text_right, row(k) + leading / 2.0..=row(k) + row_h - leading / 2.0))
            .collect();
        let crosses = |p: Pos2, q: Pos2, r: &Rect| {
            // Axis-parallel segments: their bounding box meets the rect's inside.
            let seg = Rect::from_two_pos(p, q);
            seg.max.x > r.min.x && seg.min.x < r.max.x && seg.max.y > r.min.y && seg.min.y < r.max.y
        };
        let pairs = [
            (span(3, 40.0, 90.0), span(3, 300.0, 380.0)),
            (span(3, 300.0, 380.0), span(9, 10.0, 60.0)),
            (span(12, 500.0, 590.0), span(2, 100.0, 160.0)),
            (span(5, 0.0, 30.0), span(6, 550.0, 600.0)),
            (span(20, 200.0, 260.0), span(20, 100.0, 150.0)),
        ];
        let mut placed = Vec::new();
        for (lane, (a, b)) in pairs.iter().enumerate() {
            let path = arc_path(*a, *b, gutter.left() + 2.0 + lane as f32 * 3.0, 1.0 + (lane % 3) as f32);
            assert_eq!(path.first().map(|p| p.y), Some(a.top()), "starts at the top of its span");
            assert_eq!(path.last().map(|p| p.y), Some(b.top()), "lands on the top of its span");
            for w in path.windows(2) {
                assert!(w[0].x == w[1].x || w[0].y == w[1].y, "segments are straight: {w:?}");
                for g in &glyphs {
                    assert!(!crosses(w[0], w[1], g), "{lane}: {w:?} crosses the glyphs of row {g:?}");
                }
            }
            let r = label_rect(&path, gutter, vec2(120.0, 14.0), &placed).expect("room in the gutter");
            assert!(gutter.contains_rect(r), "{r:?} in the gutter");
            assert!(r.left() > text_right, "the label hides no text");
            assert!(!placed.iter().any(|o: &Rect| o.intersects(r)), "labels do not overlap");
            placed.push(r);
        }
        // No room: no label.
        let narrow = Rect::from_x_y_ranges(604.0..=620.0, 0.0..=2000.0);
        let path = arc_path(pairs[0].0, pairs[0].1, 606.0, 1.0);
        assert_eq!(label_rect(&path, narrow, vec2(120.0, 14.0), &[]), None);
    }
}
