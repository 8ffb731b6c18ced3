//! The window driven through its accessibility tree (egui_kittest), in one
//! test binary: each module is one area of the window.

#[path = "../common/mod.rs"]
mod common;

mod documents;
mod gui;
mod gui_relations;
mod gui_search;
mod gui_session;
mod gui_transfer;
mod scale;
mod suggest;
mod web;
