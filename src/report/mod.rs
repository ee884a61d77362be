//! Rendering findings and the standard for people (`human`) and machines
//! (`json`). Renderers only read; they never decide what is wrong.

pub mod explain;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
