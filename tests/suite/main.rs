//! The integration tests of the model, the files and the command line, in
//! one test binary: each module is one subject. One binary links once, where
//! a binary per file linked the whole GUI stack a dozen times over.

#[path = "../common/mod.rs"]
mod common;

mod adjudicate;
mod agreement;
mod cli;
mod corpus;
mod documents;
mod export;
mod fuzz;
mod import;
mod model_props;
mod reanchor;
mod ron_format;
mod sample;
mod search;
mod suggest;
mod web;
