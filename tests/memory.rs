//! A guard on memory per annotation that noise cannot move: live heap
//! bytes counted by the allocator after loading a generated file, beyond
//! the text. (The full figures at 10 and 50 MB are in `benches/perf.rs`.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn a_loaded_file_costs_at_most_240_bytes_per_annotation_beyond_its_text() {
    let src = sorot::io::to_ron_string(&sorot::fixture::store(1_000_000, 10_000, 2_000, 42));
    let text_before = LIVE.load(Ordering::SeqCst);
    let text = sorot::model::Text::new(sorot::io::ronfile::peek_text(&src).unwrap());
    let text_bytes = LIVE.load(Ordering::SeqCst) - text_before;
    drop(text);
    let before = LIVE.load(Ordering::SeqCst);
    let (store, _) = sorot::io::from_ron_str(&src).unwrap();
    let live = LIVE.load(Ordering::SeqCst) - before;
    let items = store.spans().len() + store.relations().len() + store.entities().len();
    let per = (live - text_bytes) as f64 / items as f64;
    eprintln!("{items} annotations: {per:.0} bytes each beyond {text_bytes} bytes of text");
    // 374 before loading compacted the tables; 64 is issue #7's target,
    // which needs a columnar store.
    assert!(per <= 240.0, "{per:.0} bytes per annotation");
}
