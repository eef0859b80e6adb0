//! The signature pad: the customer draws with a finger, a pen or a mouse.
//!
//! Lessons from other field apps: the canvas has `touch-action: none` so drawing never scrolls
//! the page; pointer events with pointer capture follow the finger even off the canvas; and the
//! strokes live in state, so the canvas is redrawn from them when a stroke ends and whenever the
//! pad's size or the screen's pixel ratio changes: the drawing never vanishes.

use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

/// Strokes as drawn: absolute points in CSS pixels of the pad.
pub type Strokes = Vec<Vec<(f64, f64)>>;

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into::<CanvasRenderingContext2d>().ok()
}

fn ink() -> String {
    let dark =
        window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
    if dark { "#f2f5f8".into() } else { "#10161d".into() }
}

/// Sizes the canvas's pixels to its CSS size times the pixel ratio, then draws every stroke.
fn redraw(canvas: &HtmlCanvasElement, strokes: &Strokes) -> (u16, u16) {
    let dpr = window().device_pixel_ratio().max(1.0);
    let (w, h) = (canvas.client_width().max(1) as f64, canvas.client_height().max(1) as f64);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    if let Some(ctx) = context(canvas) {
        // Drawing calls on a valid 2D context do not fail; their results carry nothing.
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, w, h);
        ctx.set_line_width(2.5);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        ctx.set_stroke_style_str(&ink());
        for stroke in strokes {
            let Some(&(x0, y0)) = stroke.first() else { continue };
            ctx.begin_path();
            ctx.move_to(x0, y0);
            if stroke.len() == 1 {
                ctx.line_to(x0 + 0.1, y0);
            }
            for &(x, y) in &stroke[1..] {
                ctx.line_to(x, y);
            }
            ctx.stroke();
        }
    }
    (w.round() as u16, h.round() as u16)
}

fn point(canvas: &HtmlCanvasElement, e: &PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    (f64::from(e.client_x()) - rect.left(), f64::from(e.client_y()) - rect.top())
}

#[component]
pub fn SignaturePad(
    strokes: RwSignal<Strokes>,
    /// The pad's size in CSS pixels, as last drawn.
    size: RwSignal<(u16, u16)>,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let current = StoredValue::new(Vec::<(f64, f64)>::new());
    let drawing = StoredValue::new(false);

    // Redraw from state whenever the strokes change (a stroke ended, clear, undo).
    Effect::new(move |_| {
        let all = strokes.get();
        if let Some(canvas) = canvas_ref.get() {
            size.set(redraw(&canvas, &all));
        }
    });
    // And when the pad's size or the pixel ratio changes.
    let resize = window_event_listener(ev::resize, move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            size.set(redraw(&canvas, &strokes.get_untracked()));
        }
    });
    on_cleanup(move || resize.remove());

    let down = move |e: PointerEvent| {
        let Some(canvas) = canvas_ref.get_untracked() else { return };
        e.prevent_default();
        // Capture keeps the stroke going when the finger slides off the pad.
        let _ = canvas.set_pointer_capture(e.pointer_id());
        let p = point(&canvas, &e);
        current.set_value(vec![p]);
        drawing.set_value(true);
        if let Some(ctx) = context(&canvas) {
            ctx.begin_path();
            ctx.move_to(p.0, p.1);
            ctx.line_to(p.0 + 0.1, p.1);
            ctx.stroke();
        }
    };
    let moved = move |e: PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        let Some(canvas) = canvas_ref.get_untracked() else { return };
        e.prevent_default();
        let p = point(&canvas, &e);
        let last = current.with_value(|c| c.last().copied());
        current.update_value(|c| c.push(p));
        // Draw just the new segment now; the full redraw from state happens when it ends.
        if let (Some(ctx), Some(l)) = (context(&canvas), last) {
            ctx.begin_path();
            ctx.move_to(l.0, l.1);
            ctx.line_to(p.0, p.1);
            ctx.stroke();
        }
    };
    let up = move |_e: PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        drawing.set_value(false);
        let stroke = current.with_value(Clone::clone);
        current.set_value(Vec::new());
        if !stroke.is_empty() {
            strokes.update(|s| s.push(stroke));
        }
    };

    view! {
        <canvas
            class="signature-pad"
            data-testid="signature-pad"
            node_ref=canvas_ref
            role="img"
            aria-label=move || label.get()
            on:pointerdown=down
            on:pointermove=moved
            on:pointerup=up
            on:pointercancel=up
            on:lostpointercapture=up
        ></canvas>
    }
}
