//! The article view: the text in blocks (paragraphs, long ones split at
//! spaces), each laid out only when visible, inside a viewport-driven scroll
//! area with a running sum of block heights. Highlights are shapes painted
//! under the text; overlapping spans get stacked underlines, so nesting
//! stays visible at no extra layout cost.
//!
//! Offsets here are bytes into the article text; egui's char cursors are
//! converted at the block level (a block is at most a few KiB).

use std::collections::HashMap;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, pos2, vec2};

use super::label_color;
use crate::model::{ByteRange, SpanId, Store};

/// Blocks longer than this are split at a space (or anywhere, on a char boundary).
const MAX_BLOCK_BYTES: usize = 2048;
const BLOCK_GAP: f32 = 6.0;

/// One laid-out block: its galley and the byte offset of each char.
struct Laid {
    galley: Arc<Galley>,
    /// Byte offset (from the block start) of each char, plus the end.
    char_bytes: Vec<u32>,
}

impl Laid {
    fn byte_of_char(&self, c: usize) -> usize {
        self.char_bytes[c.min(self.char_bytes.len() - 1)] as usize
    }
    fn char_of_byte(&self, b: usize) -> usize {
        self.char_bytes.partition_point(|&x| (x as usize) < b)
    }
}

/// What the view reports back after a frame.
#[derive(Default)]
pub struct ViewOutput {
    /// The byte under the mouse, if over text.
    pub hover_byte: Option<usize>,
    /// Spans under the mouse, innermost first.
    pub hovered_spans: Vec<SpanId>,
    /// A click (not a drag) on text: the byte clicked and the spans there.
    pub clicked: Option<(usize, Vec<SpanId>)>,
    /// A finished drag selection, in raw bytes (before word snapping).
    pub dragged: Option<(usize, usize)>,
    /// A boundary of the selected span dragged to a new byte:
    /// (span, true for its start / false for its end, byte).
    pub boundary: Option<(SpanId, bool, usize)>,
    /// The screen rect of each visible span's first row piece, where its
    /// relation arcs attach (a span over two rows is reached at its start,
    /// not in the middle of the box around both).
    pub span_rects: HashMap<SpanId, Rect>,
}

/// Persistent view state (not part of the document).
pub struct TextView {
    pub font_size: f32,
    blocks: Vec<ByteRange>,
    heights: Vec<f32>,
    /// `tops[i]` = y of block `i`; `tops[len]` = total height.
    tops: Vec<f32>,
    tops_dirty: bool,
    layout_width: f32,
    /// Where the text's viewport began on screen in the last frame.
    viewport_top: f32,
    /// The strip right of the text where relation arcs run between rows
    /// and their labels sit (screen coordinates, last frame).
    gutter: Rect,
    half_leading: f32,
    cache: HashMap<usize, Laid>,
    drag_anchor: Option<usize>,
    drag_head: Option<usize>,
    /// Scroll to this byte on the next frame.
    pending_scroll: Option<usize>,
    /// After a jump, frames left to check that the view top is on a line's
    /// top (the blocks' heights were estimates when the jump was made, and
    /// laying out those on screen moves the lines).
    realign: u8,
    /// The view top to move to on the next frame.
    pending_offset: Option<f32>,
    /// The view's top and height in the last frame (for paging).
    shown_offset: f32,
    shown_height: f32,
    /// How far the view top was inside a line in the last frame (0: on a
    /// line's top).
    top_cut: f32,
    text_ptr: usize,
    /// Blocks drawn in the last frame and where.
    placed: Vec<(usize, Pos2)>,
    /// A drag that moves a boundary of the selected span.
    boundary_drag: Option<(SpanId, bool)>,
    /// Work done in the last frame (a regression guard counts it).
    stats: FrameStats,
    /// Outlines drawn around ranges (the compare view's differences):
    /// range, colour, and whether it is the current one.
    pub marks: Vec<(ByteRange, Color32, bool)>,
    /// Suggestions: dashed outlines in their label's colour (the current
    /// one thicker), distinct from annotations.
    pub ghosts: Vec<(ByteRange, Color32, bool)>,
    /// What the cached layouts were made with: the text colour and the font
    /// atlas's options, and how full the atlas was. egui clears its atlas
    /// when these options change (a theme switch changes them) or when it
    /// fills up; layouts kept past that point into the old atlas and show
    /// garbled glyphs.
    atlas: Option<(Color32, egui::epaint::text::TextOptions)>,
    atlas_fill: f32,
}

/// The review status drawn at the end of a span's last rectangle.
fn review_mark(painter: &egui::Painter, end: Rect, status: crate::model::ReviewStatus) {
    use crate::model::ReviewStatus;
    let dot = pos2(end.right(), end.top());
    match status {
        ReviewStatus::Unreviewed => {}
        ReviewStatus::Accepted => {
            painter.circle_filled(dot, 3.0, Color32::from_rgb(40, 160, 70));
        }
        ReviewStatus::Flagged => {
            painter.circle_filled(dot, 3.0, Color32::from_rgb(230, 140, 20));
        }
        ReviewStatus::Rejected => {
            let y = end.center().y;
            painter.rect_filled(
                Rect::from_min_max(pos2(end.left(), y - 0.75), pos2(end.right(), y + 0.75)),
                0.0,
                Color32::from_rgb(210, 50, 50),
            );
        }
    }
}

/// How much the text view did in one frame. Bounded by what is on screen,
/// whatever the document's size: the regression tests check it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Blocks drawn.
    pub drawn: usize,
    /// Blocks laid out (not found in the cache).
    pub laid_out: usize,
    /// Spans painted (over all drawn blocks).
    pub spans_painted: usize,
    /// Laid-out blocks kept in the cache after the frame.
    pub cached: usize,
}

/// Laid-out blocks kept at most; far ones are dropped first.
pub const MAX_CACHED_BLOCKS: usize = 600;

impl Default for TextView {
    fn default() -> Self {
        Self {
            font_size: 16.0,
            blocks: Vec::new(),
            heights: Vec::new(),
            tops: vec![0.0],
            tops_dirty: true,
            layout_width: 0.0,
            viewport_top: 0.0,
            gutter: Rect::NOTHING,
            half_leading: 0.0,
            cache: HashMap::new(),
            drag_anchor: None,
            drag_head: None,
            pending_scroll: None,
            shown_offset: 0.0,
            shown_height: 0.0,
            realign: 0,
            pending_offset: None,
            top_cut: 0.0,
            text_ptr: 0,
            placed: Vec::new(),
            boundary_drag: None,
            stats: FrameStats::default(),
            marks: Vec::new(),
            ghosts: Vec::new(),
            atlas: None,
            atlas_fill: 0.0,
        }
    }
}

/// Splits the text into blocks: lines, with long lines cut near spaces.
pub fn split_blocks(text: &str) -> Vec<ByteRange> {
    let mut blocks = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let mut s = line_start;
        let end = line_start + line.len();
        while end - s > MAX_BLOCK_BYTES {
            let mut cut = s + MAX_BLOCK_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            if let Some(space) = text[s..cut].rfind(' ').filter(|&p| p > MAX_BLOCK_BYTES / 2) {
                cut = s + space + 1;
            }
            blocks.push(ByteRange::new(s, cut));
            s = cut;
        }
        blocks.push(ByteRange::new(s, end));
        line_start = end + 1;
    }
    blocks
}

impl TextView {
    /// Rows are 1.7 font sizes apart: glyphs sit in the middle of their
    /// row, and the leading between them is where relation arcs run.
    fn row_height(&self) -> f32 {
        (self.font_size * 1.7).round()
    }

    /// Half the leading between rows: how far above a row's top an arc may
    /// run without reaching the glyphs of the row above (last frame).
    pub fn half_leading(&self) -> f32 {
        self.half_leading
    }

    fn font(&self) -> FontId {
        FontId::proportional(self.font_size)
    }

    /// Forgets layouts (after a font size change or a new document).
    pub fn invalidate(&mut self) {
        self.cache.clear();
        self.layout_width = 0.0;
    }

    /// How far the top of the view was inside a line in the last frame (0
    /// when the first line on screen is whole).
    #[doc(hidden)]
    pub fn top_cut(&self) -> f32 {
        self.top_cut
    }

    /// Whether the last frame showed the text's very end.
    #[doc(hidden)]
    pub fn shows_the_end(&self) -> bool {
        self.shown_offset + self.shown_height >= self.tops.last().copied().unwrap_or(0.0) - 1.0
    }

    /// Asks the view to bring `byte` into view on the next frame.
    pub fn scroll_to(&mut self, byte: usize) {
        self.pending_scroll = Some(byte);
    }

    /// Scrolls by `pages` of the visible height (PageDown: 0.9), the view
    /// top then put on a line's top.
    pub fn scroll_pages(&mut self, pages: f32) {
        let to = (self.shown_offset + pages * self.shown_height).max(0.0);
        self.scroll_to_offset(to);
    }

    /// Moves the view top to `y` (clamped to the text; on a line's top).
    pub fn scroll_to_offset(&mut self, y: f32) {
        let total = self.tops.last().copied().unwrap_or(0.0);
        let end = (total - self.shown_height).max(0.0);
        // At the end, the end itself: a line's top there would stop short
        // of the last line.
        self.pending_offset = Some(if y >= end { end } else { row_top(&self.tops, self.row_height(), y.max(0.0)) });
    }

    /// Where the caret before `byte` was drawn in the last frame (a point
    /// just inside the glyph that starts there), if it was visible.
    pub fn screen_pos_of_byte(&self, byte: usize) -> Option<Pos2> {
        self.placed.iter().find_map(|&(bi, pos)| {
            let block = self.blocks[bi];
            if byte < block.start() || byte > block.end() {
                return None;
            }
            let laid = self.cache.get(&bi)?;
            let c = laid.char_of_byte(byte - block.start());
            let r = laid.galley.pos_from_cursor(egui::text::CCursor::new(c));
            Some(pos + vec2(r.left() + 1.0, r.center().y))
        })
    }

    /// The bytes of the blocks drawn in the last frame.
    pub fn visible_range(&self) -> Option<ByteRange> {
        let first = self.placed.first()?;
        let last = self.placed.last()?;
        Some(ByteRange::new(self.blocks[first.0].start(), self.blocks[last.0].end()))
    }

    /// The first byte of the blocks drawn in the last frame.
    pub fn first_visible_byte(&self) -> Option<usize> {
        self.placed.first().map(|(bi, _)| self.blocks[*bi].start())
    }

    /// The caret byte nearest to a screen point, over the blocks drawn last.
    pub fn byte_at_pos(&self, p: Pos2) -> Option<usize> {
        self.placed.iter().find_map(|&(bi, pos)| {
            let laid = self.cache.get(&bi)?;
            let rect = Rect::from_min_size(pos, laid.galley.rect.size()).expand2(vec2(0.0, BLOCK_GAP / 2.0));
            if !rect.contains(p) {
                return None;
            }
            let c = laid.galley.cursor_from_pos(p - pos).index.0;
            Some(self.blocks[bi].start() + laid.byte_of_char(c))
        })
    }

    /// The current drag selection (anchor, head), if the mouse is down.
    pub fn live_drag(&self) -> Option<(usize, usize)> {
        Some((self.drag_anchor?, self.drag_head?))
    }

    fn ensure_blocks(&mut self, text: &str, width: f32) {
        let ptr = text.as_ptr() as usize ^ text.len();
        if ptr != self.text_ptr {
            self.text_ptr = ptr;
            self.blocks = split_blocks(text);
            self.invalidate();
        }
        if (width - self.layout_width).abs() > 0.5 {
            self.layout_width = width;
            self.cache.clear();
            // Estimate heights from character counts; exact once laid out.
            let chars_per_row = (width / (self.font_size * 0.5)).max(8.0);
            let rh = self.row_height();
            self.heights = self
                .blocks
                .iter()
                .map(|b| {
                    let approx_chars = b.len() as f32 * 0.9;
                    (approx_chars / chars_per_row).ceil().max(1.0) * rh + BLOCK_GAP
                })
                .collect();
            self.tops_dirty = true;
        }
        if self.tops_dirty {
            self.tops.clear();
            self.tops.reserve(self.heights.len() + 1);
            let mut y = 0.0;
            for h in &self.heights {
                self.tops.push(y);
                y += h;
            }
            self.tops.push(y);
            self.tops_dirty = false;
        }
    }

    /// The width the text is wrapped at.
    pub fn layout_width(&self) -> f32 {
        self.layout_width
    }

    /// Where the text's viewport began on screen in the last frame (bars
    /// that open and close must not move it).
    pub fn viewport_top(&self) -> f32 {
        self.viewport_top
    }

    /// The strip right of the text kept free for relation arcs and their
    /// labels (#19 item 5); empty on a narrow window.
    pub fn gutter(&self) -> Rect {
        self.gutter
    }

    /// What the last frame did.
    pub fn stats(&self) -> FrameStats {
        self.stats
    }

    fn lay_out(&mut self, ui: &egui::Ui, text: &str, i: usize, color: Color32) -> &Laid {
        if !self.cache.contains_key(&i) {
            self.stats.laid_out += 1;
            let block = self.blocks[i];
            let s = &text[block.as_range()];
            let mut job = LayoutJob::single_section(
                s.to_owned(),
                TextFormat { font_id: self.font(), color, line_height: Some(self.row_height()), ..Default::default() },
            );
            job.wrap.max_width = self.layout_width;
            let galley = ui.fonts_mut(|f| f.layout_job(job));
            let mut char_bytes: Vec<u32> = s.char_indices().map(|(b, _)| b as u32).collect();
            char_bytes.push(s.len() as u32);
            let h = galley.rect.height().max(self.row_height()) + BLOCK_GAP;
            if (self.heights[i] - h).abs() > 0.1 {
                self.heights[i] = h;
                self.tops_dirty = true;
            }
            self.cache.insert(i, Laid { galley, char_bytes });
        }
        &self.cache[&i]
    }

    fn block_of_byte(&self, byte: usize) -> usize {
        self.blocks.partition_point(|b| b.end() < byte).min(self.blocks.len().saturating_sub(1))
    }

    /// Draws the text with highlights. `selection` fragments are drawn as a
    /// selection; `selected` span is outlined.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        store: &Store,
        selection: &[ByteRange],
        selected: Option<SpanId>,
    ) -> ViewOutput {
        let mut out = ViewOutput::default();
        let text = store.text().as_str();
        let text_color = ui.visuals().text_color();
        let (options, fill) = ui.fonts(|f| (*f.options(), f.font_atlas_fill_ratio()));
        if self.atlas != Some((text_color, options)) || fill < self.atlas_fill {
            self.cache.clear();
            self.atlas = Some((text_color, options));
        }
        self.atlas_fill = fill;
        let sel_color = ui.visuals().selection.bg_fill.gamma_multiply(0.6);
        let dark = ui.visuals().dark_mode;
        let mut scroll = egui::ScrollArea::vertical().auto_shrink([false, false]).id_salt("article");
        if let Some(byte) = self.pending_scroll.take() {
            // The width the blocks were laid out at: a different one here
            // would throw the whole layout away on every jump.
            let width = if self.layout_width > 0.0 {
                self.layout_width
            } else {
                ui.available_width() - 16.0 - gutter_width(ui.available_width())
            };
            self.ensure_blocks(text, width);
            let i = self.block_of_byte(byte);
            // Where in its paragraph the byte is: a long paragraph put at
            // the top left a span near its end below the view (a newcomer's
            // Tab in a narrow window).
            let start = self.blocks[i].start();
            let laid = self.lay_out(ui, text, i, text_color);
            let c = laid.char_of_byte(byte.saturating_sub(start));
            let within = laid.galley.pos_from_cursor(egui::text::CCursor::new(c)).min.y;
            let want = (self.tops[i] + within - 80.0).max(0.0);
            scroll = scroll.vertical_scroll_offset(row_top(&self.tops, self.row_height(), want));
            self.realign = 4;
        } else if let Some(y) = self.pending_offset.take() {
            scroll = scroll.vertical_scroll_offset(y);
        }
        scroll.show_viewport(ui, |ui, viewport| {
            // The gutter is kept whether or not arcs show, so that selecting
            // a span never re-wraps the text.
            let gutter = gutter_width(ui.available_width());
            let width = (ui.available_width() - 8.0 - gutter).max(100.0);
            self.ensure_blocks(text, width);
            let total = *self.tops.last().unwrap_or(&0.0);
            let (content, response) = ui
                .allocate_exact_size(vec2(ui.available_width(), total.max(viewport.height())), Sense::click_and_drag());
            let origin = content.min;
            let font_height = ui.fonts_mut(|f| f.row_height(&self.font()));
            self.half_leading = ((self.row_height() - font_height) / 2.0).max(0.0);
            let clip = ui.clip_rect();
            self.gutter =
                Rect::from_x_y_ranges(origin.x + width + 4.0..=origin.x + width + 4.0 + gutter, clip.y_range());
            (self.shown_offset, self.shown_height) = (viewport.min.y, viewport.height());
            let first = self.tops.partition_point(|&t| t <= viewport.min.y).saturating_sub(1);
            let painter = ui.painter_at(ui.clip_rect());
            self.viewport_top = ui.clip_rect().top();
            let mut placed: Vec<(usize, Pos2)> = Vec::new();
            self.stats = FrameStats::default();
            let mut i = first;
            while i < self.blocks.len() && self.tops[i] <= viewport.max.y + 1.0 {
                self.lay_out(ui, text, i, text_color);
                placed.push((i, pos2(origin.x, origin.y + self.tops[i])));
                i += 1;
            }
            if self.tops_dirty {
                // Heights changed: positions below shift. Recompute now and
                // ask for one more frame so scrolling stays exact.
                self.ensure_blocks(text, width);
                for (i, pos) in &mut placed {
                    pos.y = origin.y + self.tops[*i];
                }
                ui.ctx().request_repaint();
            }
            self.top_cut = viewport.min.y - row_top(&self.tops, self.row_height(), viewport.min.y);
            if self.realign > 0 {
                // If the view top is inside a line now that the blocks on
                // screen are laid out, move it to that line's top (a few
                // frames at most after a jump, never while reading).
                self.realign -= 1;
                if self.top_cut > 0.5 {
                    self.pending_offset = Some(viewport.min.y - self.top_cut);
                    ui.ctx().request_repaint();
                } else if !self.tops_dirty {
                    self.realign = 0;
                }
            }
            self.placed = placed.clone();
            // Keep the cache to the blocks near the screen.
            if self.cache.len() > MAX_CACHED_BLOCKS {
                let keep = MAX_CACHED_BLOCKS / 2;
                self.cache.retain(|&b, _| b.abs_diff(first) <= keep);
            }
            self.stats.drawn = placed.len();
            self.stats.cached = self.cache.len();
            let pointer = response.hover_pos();
            let drag_live = self.live_drag();
            // Label colours, parsed once per frame rather than per span.
            let colours: Vec<Color32> = store.schema().labels.iter().map(|l| label_color(&l.color)).collect();
            // Underlines and outlines in each colour made to stand out on
            // this theme's background (a dark brown on a dark panel, an
            // orange on a white one, did not).
            let background = ui.visuals().panel_fill;
            let lines: Vec<Color32> = colours.iter().map(|c| super::legible_on(*c, background)).collect();
            // The spans on screen, found once (not once per block: each
            // search scans a window before its start for spans reaching in).
            let on_screen: Vec<&crate::model::Span> = match (placed.first(), placed.last()) {
                (Some(&(a, _)), Some(&(b, _))) => {
                    let (start, end) = (self.blocks[a].start, self.blocks[b].end);
                    store
                        .spans_overlapping(ByteRange { start, end: end.max(start + 1) })
                        .into_iter()
                        .filter_map(|id| store.span(id))
                        .collect()
                }
                _ => Vec::new(),
            };
            for &(bi, pos) in &placed {
                let block = self.blocks[bi];
                let laid = &self.cache[&bi];
                let q = ByteRange { start: block.start, end: block.end.max(block.start + 1) };
                let spans: Vec<SpanId> =
                    on_screen.iter().filter(|s| s.ranges.iter().any(|r| r.overlaps(q))).map(|s| s.id).collect();
                self.stats.spans_painted += spans.len();
                // Stack levels: greedy interval colouring within the block.
                let mut levels: Vec<(ByteRange, usize, Color32)> = Vec::new();
                for id in &spans {
                    let Some(span) = store.span(*id) else { continue };
                    let colour = colours.get(span.label as usize).copied().unwrap_or(Color32::GRAY);
                    let line = lines.get(span.label as usize).copied().unwrap_or(Color32::GRAY);
                    for r in
                        span.ranges.iter().filter(|r| r.overlaps(block) || (r.start == block.start && block.is_empty()))
                    {
                        let level =
                            (0..).find(|lv| !levels.iter().any(|(o, l, _)| l == lv && o.overlaps(*r))).unwrap_or(0);
                        // What a nested span sits on: the fill of the span
                        // one level out, over the page.
                        let outer = levels
                            .iter()
                            .find(|(o, l, _)| level > 0 && *l == level - 1 && o.overlaps(*r))
                            .map(|(_, _, c)| *c);
                        levels.push((*r, level, colour));
                        let rects = range_rects(laid, block, *r, pos);
                        // A reviewed span says so in the text, at its end:
                        // a green dot accepted, a red strike rejected, an
                        // orange dot flagged (the list says it in words).
                        let last_range = span.ranges.last() == Some(r);
                        if let (true, Some(end)) = (last_range, rects.last()) {
                            review_mark(&painter, *end, span.review.status);
                        }
                        let alpha = if dark { 70 } else { 55 };
                        let fill = Color32::from_rgba_unmultiplied(colour.r(), colour.g(), colour.b(), alpha);
                        let edge = outer.map(|o| {
                            let a = f32::from(alpha) / 255.0;
                            let m = |x: u8, y: u8| (f32::from(x) * (1.0 - a) + f32::from(y) * a).round() as u8;
                            let under = Color32::from_rgb(
                                m(background.r(), o.r()),
                                m(background.g(), o.g()),
                                m(background.b(), o.b()),
                            );
                            super::legible_on(colour, under)
                        });
                        for rect in &rects {
                            painter.rect_filled(*rect, 0.0, fill);
                            // The underline as a plain rectangle: a line
                            // segment tessellates into more vertices.
                            let y = rect.bottom() + level as f32 * 3.0;
                            painter.rect_filled(
                                Rect::from_min_max(pos2(rect.left(), y), pos2(rect.right(), y + 2.0)),
                                0.0,
                                line,
                            );
                            // A span inside another has its own edge: its
                            // fill alone is lost in the outer one's.
                            if let Some(edge) = edge {
                                painter.rect_stroke(*rect, 1.0, Stroke::new(1.5, edge), egui::StrokeKind::Inside);
                            }
                            if Some(*id) == selected {
                                painter.rect_stroke(
                                    rect.expand(1.0),
                                    2.0,
                                    Stroke::new(2.0, text_color),
                                    egui::StrokeKind::Outside,
                                );
                            }
                            out.span_rects.entry(*id).or_insert(*rect);
                        }
                    }
                }
                let marks: Vec<&(ByteRange, Color32, bool)> =
                    self.marks.iter().filter(|(r, ..)| r.overlaps(block)).collect();
                let rings = mark_rings(&marks.iter().map(|m| m.0).collect::<Vec<_>>());
                for ((r, colour, current), ring) in marks.into_iter().zip(rings) {
                    let width = if *current { 3.0 } else { 1.5 };
                    for rect in range_rects(laid, block, *r, pos) {
                        painter.rect_stroke(
                            rect.expand(2.0 + 3.0 * ring as f32),
                            3.0,
                            Stroke::new(width, *colour),
                            egui::StrokeKind::Outside,
                        );
                    }
                }
                for (r, colour, current) in self.ghosts.iter().filter(|(r, ..)| r.overlaps(block)) {
                    let width = if *current { 2.5 } else { 1.2 };
                    for rect in range_rects(laid, block, *r, pos) {
                        let rect = rect.expand(1.5);
                        let corners = [
                            rect.left_top(),
                            rect.right_top(),
                            rect.right_bottom(),
                            rect.left_bottom(),
                            rect.left_top(),
                        ];
                        painter.extend(egui::Shape::dashed_line(&corners, Stroke::new(width, *colour), 4.0, 3.0));
                    }
                }
                let mut sel: Vec<ByteRange> = selection.to_vec();
                if let Some((a, b)) = drag_live {
                    sel.push(ByteRange::new(a.min(b), a.max(b)));
                }
                for r in sel.iter().filter(|r| r.overlaps(block)) {
                    for rect in range_rects(laid, block, *r, pos) {
                        painter.rect_filled(rect, 0.0, sel_color);
                    }
                }
                painter.galley(pos, laid.galley.clone(), text_color);
                if let Some(p) = pointer {
                    let rect = Rect::from_min_size(pos, laid.galley.rect.size());
                    if rect.expand2(vec2(0.0, BLOCK_GAP / 2.0)).contains(p) {
                        let c = laid.galley.cursor_from_pos(p - pos).index.0;
                        let byte = block.start() + laid.byte_of_char(c);
                        out.hover_byte = Some(byte);
                        // Spans under the pointer: test the glyph, not the gap.
                        let exact = rect.contains(p);
                        if exact {
                            out.hovered_spans = store.spans_at(byte.min(text.len().saturating_sub(1)));
                            out.hovered_spans.retain(|id| {
                                store.span(*id).is_some_and(|s| s.ranges.iter().any(|r| r.contains(byte)))
                            });
                        }
                    }
                }
            }
            // Mouse: drag to select, click to pick.
            // Handles at the ends of the selected span: drag them to move its boundaries.
            let handles: Vec<(bool, Pos2)> = selected
                .and_then(|id| store.span(id))
                .map(|s| {
                    let e = s.extent();
                    [(true, e.start()), (false, e.end())]
                        .into_iter()
                        .filter_map(|(is_start, b)| self.screen_pos_of_byte(b).map(|p| (is_start, p - vec2(1.0, 0.0))))
                        .collect()
                })
                .unwrap_or_default();
            let half = self.row_height() / 2.0;
            for (_, p) in &handles {
                painter.line_segment([*p - vec2(0.0, half), *p + vec2(0.0, half)], Stroke::new(3.0, text_color));
            }
            let press_origin = ui.input(|i| i.pointer.press_origin());
            if response.drag_started()
                && let Some(origin) = press_origin
            {
                let grabbed =
                    handles.iter().find(|(_, p)| (p.x - origin.x).abs() <= 6.0 && (p.y - origin.y).abs() <= half);
                self.boundary_drag = grabbed.and_then(|(is_start, _)| selected.map(|id| (id, *is_start)));
                if let Some(b) = self.byte_at_pos(origin).or(out.hover_byte)
                    && self.boundary_drag.is_none()
                {
                    self.drag_anchor = Some(b);
                    self.drag_head = Some(b);
                }
            }
            if response.drag_stopped()
                && let Some((id, is_start)) = self.boundary_drag.take()
                && let Some(b) = out.hover_byte
            {
                out.boundary = Some((id, is_start, b));
            }
            if response.dragged()
                && let Some(b) = out.hover_byte
            {
                self.drag_head = Some(b);
            }
            if response.drag_stopped()
                && let (Some(a), Some(b)) = (self.drag_anchor.take(), self.drag_head.take())
                && a != b
            {
                out.dragged = Some((a.min(b), a.max(b)));
            }
            if response.clicked()
                && let Some(b) = out.hover_byte
            {
                out.clicked = Some((b, out.hovered_spans.clone()));
            }
            if !out.hovered_spans.is_empty() {
                let tip: Vec<String> = out
                    .hovered_spans
                    .iter()
                    .filter_map(|id| store.span(*id))
                    .map(|s| super::describe_span(store, s))
                    .collect();
                response.on_hover_text_at_pointer(tip.join("\n"));
            }
        });
        out
    }
}

/// Screen rects covering `range` within a laid-out block at `pos`.
/// How wide the arcs' gutter right of the text is: room for a label on a
/// wide text area, narrowing smoothly (no jump as panels are dragged) to
/// none below 480 points, where the text needs every point.
fn gutter_width(available: f32) -> f32 {
    ((available - 480.0) * 0.35).clamp(0.0, 150.0)
}

fn range_rects(laid: &Laid, block: ByteRange, range: ByteRange, pos: Pos2) -> Vec<Rect> {
    let a = laid.char_of_byte(range.start().max(block.start()) - block.start());
    let b = laid.char_of_byte(range.end().min(block.end()) - block.start());
    let mut rects = Vec::new();
    let mut row_start = 0usize;
    for row in &laid.galley.rows {
        let n = row.char_count_including_newline().0;
        let (s, e) = (a.max(row_start), b.min(row_start + n));
        if s < e || (a == b && a >= row_start && a < row_start + n.max(1) && rects.is_empty()) {
            let x0 = row.pos.x + row.x_offset(egui::text::CharIndex(s - row_start));
            let x1 = row.pos.x + row.x_offset(egui::text::CharIndex(e - row_start));
            let r = row.rect();
            rects.push(Rect::from_min_max(pos + vec2(x0, r.top()), pos + vec2(x1.max(x0 + 2.0), r.bottom())));
        }
        row_start += n;
    }
    rects
}

/// For outlines over `ranges`, how many rings out each is drawn: one
/// around each overlapping range that is shorter (or as long and later),
/// at most three, so outlines that share text are drawn one around the
/// other instead of one over the other (an "only some annotators" outline
/// starting where an agreed one does stayed a sliver).
/// Each pair is looked at only where the ranges, sorted by start, overlap
/// (a block can hold hundreds of Find marks, none overlapping).
fn mark_rings(ranges: &[ByteRange]) -> Vec<usize> {
    let mut rings = vec![0; ranges.len()];
    if ranges.len() < 2 {
        return rings;
    }
    let len = |r: &ByteRange| r.end() - r.start();
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&i| ranges[i].start());
    for (k, &i) in order.iter().enumerate() {
        for &j in order[k + 1..].iter().take_while(|&&j| ranges[j].start() < ranges[i].end()) {
            let (a, b) = (&ranges[i], &ranges[j]);
            // The longer goes around the shorter (the later when as long).
            let outer = if len(a) > len(b) || (len(a) == len(b) && i < j) { i } else { j };
            rings[outer] += 1;
        }
    }
    rings.iter_mut().for_each(|r| *r = (*r).min(3));
    rings
}

/// The top of the row at `y` in blocks starting at `tops` (rows of `row`
/// each from a block's top; a block's gap after its rows counts as its last
/// row): where a jump puts the top of the view, so the first line on
/// screen is whole, not cut through.
fn row_top(tops: &[f32], row: f32, y: f32) -> f32 {
    let j = tops.partition_point(|&t| t <= y).saturating_sub(1);
    let Some(&top) = tops.get(j) else { return y.max(0.0) };
    if row <= 0.0 || y < top {
        return y.max(0.0);
    }
    // (A hair of tolerance: a place computed as a row's top stays on it.)
    top + ((y - top) / row + 1e-4).floor() * row
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outlines sharing text are drawn one around the other, the longer
    /// outside; outlines apart are drawn at the first ring.
    #[test]
    fn overlapping_outlines_are_drawn_one_around_the_other() {
        let r = |a: usize, b: usize| ByteRange::new(a, b);
        // An agreed "Rusia dan Korut" and an "only some" "Rusia" at its start,
        // one apart, and the same extent twice.
        let marks = [r(0, 15), r(0, 5), r(20, 25), r(30, 35), r(30, 35)];
        let rings = mark_rings(&marks);
        assert_eq!(rings, [1, 0, 0, 1, 0]);
        // Never more than three rings out.
        let nested: Vec<ByteRange> = (0..6).map(|k| r(0, 10 + k)).collect();
        assert_eq!(mark_rings(&nested), [0, 1, 2, 3, 3, 3]);
    }

    /// A jump's view top lands on a row's top: never inside a line, never
    /// below the place asked for, never a whole row above it.
    #[test]
    fn jumps_land_on_a_row_top() {
        let row = 27.2;
        // Three blocks: 3 rows + gap, 1 row + gap, 5 rows + gap.
        let gap = 6.0;
        let tops = [0.0, 3.0 * row + gap, 4.0 * row + 2.0 * gap, 9.0 * row + 3.0 * gap];
        for k in 0..4000 {
            let y = k as f32 * 0.07;
            let t = row_top(&tops, row, y);
            assert!(t <= y + 1e-3 && t > y - row - 1e-3, "{y} -> {t}");
            let j = tops.partition_point(|&b| b <= y).saturating_sub(1);
            let rows = (t - tops[j]) / row;
            assert!((rows - rows.round()).abs() < 1e-3, "{y} -> {t}: not a row top of block {j}");
        }
        assert_eq!(row_top(&[], row, 50.0), 50.0);
        assert_eq!(row_top(&tops, row, 0.0), 0.0);
    }

    #[test]
    fn blocks_cover_text_without_overlap_and_respect_boundaries() {
        let long = "한국어 “문장” 🇰🇷 ".repeat(400);
        let text = format!("first line\n\n{long}\nlast");
        let blocks = split_blocks(&text);
        assert_eq!(blocks.first().unwrap().start(), 0);
        assert_eq!(blocks.last().unwrap().end(), text.len());
        for w in blocks.windows(2) {
            let gap = &text[w[0].end()..w[1].start()];
            assert!(gap.is_empty() || gap == "\n", "gap {gap:?}");
        }
        for b in &blocks {
            assert!(b.len() <= MAX_BLOCK_BYTES);
            assert!(text.is_char_boundary(b.start()) && text.is_char_boundary(b.end()));
        }
        assert!(blocks.len() > 4, "the long line is split");
    }
}
