//! Sorot: annotate claims, sources, entities and relations in news articles.
//!
//! Layers (dependencies point one way): `gui → io → model`, `cli → io → model`.

pub mod cli;
pub mod fixture;
pub mod guard;
pub mod gui;
pub mod io;
pub mod model;
pub mod suggest;
