//! SVG charts drawn by the widget itself: horizontal bars (with an optional marker line,
//! e.g. capacity) and in/out columns over time. Each carries its numbers in `data-*`
//! attributes and an `aria-label` summary; the figure around it offers the table view.

use leptos::prelude::*;

/// One horizontal bar: `value` against `max`, an optional marker (capacity) and the text
/// printed beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub max: f64,
    pub marker: Option<f64>,
    pub text: String,
}

const WIDTH: f64 = 320.0;
const LABEL: f64 = 80.0;
const TRACK: f64 = 140.0;
const ROW: f64 = 26.0;

/// Cuts a label to what fits in the label column (CJK characters count double).
fn fit(label: &str) -> String {
    let mut width = 0;
    let mut out = String::new();
    for c in label.chars() {
        width += if c.is_ascii() { 1 } else { 2 };
        if width > 13 {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// An SVG coordinate or length, to a tenth of a unit (written without std's float
/// formatter, which would otherwise be in the bundle for these alone).
fn n(v: f64) -> String {
    shared::number::fixed(v, 1)
}

fn x_of(value: f64, max: f64) -> f64 {
    if max <= 0.0 || !value.is_finite() {
        0.0
    } else {
        (value / max).clamp(0.0, 1.0) * TRACK
    }
}

#[component]
pub fn Bars(bars: Vec<Bar>, summary: String) -> impl IntoView {
    let height = (bars.len().max(1) as f64) * ROW + 4.0;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as f64 * ROW + 2.0;
            let marker = b.marker.map(|m| {
                let x = LABEL + x_of(m, b.max);
                view! { <line class="marker" x1=n(x) x2=n(x) y1=n(y) y2=n(y + ROW - 6.0)></line> }
            });
            view! {
                <g class="row" data-label=b.label.clone() data-value=shared::number::format(b.value)>
                    <title>{format!("{}: {}", b.label, b.text)}</title>
                    <text x="0" y=n(y + 15.0) class="label">{fit(&b.label)}</text>
                    <rect class="track" x=n(LABEL) y=n(y + 3.0) width=n(TRACK) height="14" rx="4"></rect>
                    <rect class="value" x=n(LABEL) y=n(y + 3.0) width=n(x_of(b.value, b.max)) height="14" rx="4"></rect>
                    {marker}
                    <text x=n(LABEL + TRACK + 6.0) y=n(y + 15.0) class="figure">{b.text}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {} {}", n(WIDTH), n(height)) role="img" aria-label=summary preserveAspectRatio="xMinYMin meet">
            {rows}
        </svg>
    }
}

/// One time bucket: what came in and what went out.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub label: String,
    pub up: u32,
    pub down: u32,
}

/// Inflow above the axis, outflow below, one column per bucket.
#[component]
pub fn Flow(columns: Vec<Column>, summary: String) -> impl IntoView {
    let (height, axis, reach) = (150.0, 70.0, 60.0);
    let max = columns.iter().map(|c| c.up.max(c.down)).max().unwrap_or(0).max(1) as f64;
    let step = (WIDTH - 8.0) / columns.len().max(1) as f64;
    let width = (step * 0.7).max(1.0);
    let first = columns.first().map(|c| c.label.clone()).unwrap_or_default();
    let last = columns.last().map(|c| c.label.clone()).unwrap_or_default();
    let bars = columns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let x = 4.0 + i as f64 * step;
            let (up, down) = (f64::from(c.up) / max * reach, f64::from(c.down) / max * reach);
            view! {
                <g class="bucket" data-label=c.label.clone() data-in=c.up.to_string() data-out=c.down.to_string()>
                    <title>{format!("{}: +{} / −{}", c.label, c.up, c.down)}</title>
                    <rect class="in" x=n(x) y=n(axis - up) width=n(width) height=n(up)></rect>
                    <rect class="out" x=n(x) y=n(axis) width=n(width) height=n(down)></rect>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {} {}", n(WIDTH), n(height)) role="img" aria-label=summary>
            {bars}
            <line class="axis" x1="0" x2=n(WIDTH) y1=n(axis) y2=n(axis)></line>
            <text x="4" y=n(height - 4.0) class="label">{first}</text>
            <text x=n(WIDTH - 4.0) y=n(height - 4.0) class="label end">{last}</text>
        </svg>
    }
}
