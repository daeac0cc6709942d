//! The widgets' stylesheet, adopted by each shadow root as a constructed stylesheet
//! (`element.rs`): neither `<style>` elements nor `style` attributes, which a host page's
//! CSS policy without `style-src 'unsafe-inline'` would refuse. Positions computed at
//! run time are set through the CSSOM (`style:top=…` in views), which no policy blocks.
//! Hosts theme through custom properties (`--allot-accent`, `--allot-radius`, `--allot-font`, `--allot-bg`,
//! `--allot-fg`, `--allot-muted`, `--allot-border`), which do cross the shadow boundary.

pub const CSS: &str = r#"
:host { display: block; font-family: var(--allot-font, system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif);
  color: var(--allot-fg, #1f2330); background: var(--allot-bg, #fff); --a: var(--allot-accent, #2563eb);
  --r: var(--allot-radius, 8px); --b: var(--allot-border, #d9dce3); --m: var(--allot-muted, #6b7280); }
* { box-sizing: border-box; }
.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 10px; }
.bar input[type=search] { flex: 1 1 180px; min-width: 0; }
/* Laid out but not shown until the caller's role is known (see caller.rs). */
.pending { visibility: hidden; }
input, select, button, textarea { font: inherit; min-height: 40px; border-radius: var(--r); border: 1px solid var(--b); padding: 6px 10px; background: #fff; color: inherit; }
button { cursor: pointer; background: #f5f6f8; touch-action: manipulation; }
button.primary { background: var(--a); border-color: var(--a); color: #fff; }
button:focus-visible, input:focus-visible, select:focus-visible, [tabindex]:focus-visible { outline: 2px solid var(--a); outline-offset: 1px; }
.seg { display: inline-flex; border: 1px solid var(--b); border-radius: var(--r); overflow: hidden; }
.seg button { border: 0; border-radius: 0; min-width: 56px; }
.seg button[aria-pressed=true], .seg button[aria-selected=true] { background: var(--a); color: #fff; }
ul.list { list-style: none; margin: 0; padding: 0; border-top: 1px solid var(--b); }
li.row { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; padding: 10px 4px; border-bottom: 1px solid var(--b); cursor: pointer; }
li.row:hover { background: #f8f9fb; }
.title { font-weight: 600; overflow-wrap: anywhere; }
.sub { color: var(--m); font-size: 0.85em; overflow-wrap: anywhere; }
.tags { display: flex; gap: 4px; flex-wrap: wrap; justify-content: flex-end; align-items: flex-start; align-content: flex-start; max-width: 45vw; }
.tag { font-size: 0.75em; padding: 2px 6px; border-radius: 999px; background: #eef2ff; color: #3730a3; white-space: nowrap; }
.tag.pool { background: #fef3c7; color: #92400e; }
.tag.lost, .tag.dormant { background: #fee2e2; color: #991b1b; }
.msg { padding: 8px 10px; border-radius: var(--r); margin: 8px 0; }
.msg.err { background: #fee2e2; color: #991b1b; }
.msg.ok { background: #dcfce7; color: #166534; }
form.card { border: 1px solid var(--b); border-radius: var(--r); padding: 12px; margin-bottom: 12px; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 200px), 1fr)); gap: 10px; }
form.card label { display: flex; flex-direction: column; gap: 4px; font-size: 0.85em; color: var(--m); }
form.card label input, form.card label select { color: var(--allot-fg, #1f2330); width: 100%; }
form.card .err { color: #b91c1c; font-size: 0.85em; }
form.card .wide { grid-column: 1 / -1; }
form.card .actions { grid-column: 1 / -1; display: flex; gap: 8px; justify-content: flex-end; }
.collab { border: 1px solid var(--b); border-radius: var(--r); padding: 12px; margin: -4px 0 12px; }
.collab .label { font-size: 0.85em; font-weight: 600; color: var(--m); margin: 0 0 8px; }
.chips { list-style: none; margin: 0 0 8px; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; align-items: center; padding-left: 10px; border-radius: 999px; background: #eef2ff; color: #3730a3; }
.chip button { border: 0; background: none; color: inherit; min-width: 40px; padding: 0; }
.collab select { width: 100%; }
button.leave { min-height: 32px; padding: 2px 10px; font-size: 0.8em; }
.more { display: block; margin: 12px auto; }
.muted { color: var(--m); }
@media (max-width: 480px) { .bar select { flex: 1 1 40%; } .seg { flex: 1 1 100%; } .seg button { flex: 1; } }
"#;

/// Result panels, figures and load bars of the allocation, pool, board drawer and
/// dashboard views; `<allot-customers>` has none, so its bundle leaves them out.
pub const PANELS_CSS: &str = r#"
ul.why { margin: 6px 0 0; padding-left: 18px; }
.compare { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 300px), 1fr)); gap: 12px; }
.panel { border: 1px solid var(--b); border-radius: var(--r); padding: 10px; min-width: 0; }
.panel h3 { margin: 0 0 8px; font-size: 1em; }
dl.figures { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0 0 10px; font-size: 0.9em; }
dl.figures dt { color: var(--m); } dl.figures dd { margin: 0; font-variant-numeric: tabular-nums; }
ul.bars { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
ul.bars li { display: grid; grid-template-columns: 5.5em 1fr auto; gap: 6px; align-items: center; font-size: 0.85em; }
.track { position: relative; height: 12px; background: #f1f5f9; border-radius: 6px; overflow: hidden; display: flex; }
.track .held { background: #94a3b8; } .track .added { background: var(--a); }
.track .cap { position: absolute; top: 0; bottom: 0; width: 2px; background: #dc2626; }
.who { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
input[type=range] { padding: 0; min-height: 32px; }
ul.warnings { list-style: none; margin: 0 0 8px; padding: 8px 10px; background: #fff7ed; color: #9a3412; border-radius: var(--r); font-size: 0.9em; }
.standing { background: #eff6ff; color: #1e3a8a; }
"#;

/// The board's layout: columns side by side, snapping horizontally on a phone.
pub const BOARD_CSS: &str = r#"
.bar input.search { flex: 1 1 160px; min-width: 0; }
.board { display: flex; gap: 10px; overflow-x: auto; scroll-snap-type: x mandatory; padding-bottom: 8px; }
.board.is-dragging { scroll-snap-type: none; user-select: none; }
.column { flex: 0 0 min(85vw, 260px); scroll-snap-align: start; background: #f8fafc; border: 1px solid var(--b); border-radius: var(--r); padding: 0 8px 8px; height: min(70vh, 720px); overflow-y: auto; overscroll-behavior: contain; }
.column.drop { outline: 2px dashed var(--a); outline-offset: -2px; background: #eff6ff; }
.column header { position: sticky; top: 0; z-index: 1; background: inherit; padding: 8px 0 6px; }
.column header h3 { margin: 0; font-size: 0.95em; }
.column ul { list-style: none; margin: 0; padding: 0; position: relative; min-height: 40px; }
li.card { position: absolute; left: 0; right: 0; height: 86px; overflow: hidden; background: #fff; border: 1px solid var(--b); border-radius: var(--r); padding: 8px 8px 8px 26px; cursor: grab; user-select: none; }
li.card.locked { cursor: pointer; background: #fbfbfc; }
li.card.dragging { opacity: 0.4; }
li.card .title, li.card .sub { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
li.card:focus-visible { outline: 2px solid var(--a); }
li.card .grip { position: absolute; left: 0; top: 0; bottom: 0; width: 22px; display: grid; place-items: center; color: var(--m); touch-action: none; cursor: grab; font-size: 14px; }
li.card .meta { display: flex; gap: 6px; align-items: center; justify-content: space-between; font-size: 0.8em; margin-top: 4px; }
.avatar { display: inline-grid; place-items: center; min-width: 24px; height: 24px; border-radius: 50%; background: #e0e7ff; color: #3730a3; font-size: 0.75em; }
.ghost { position: fixed; left: 0; top: 0; z-index: 30; pointer-events: none; background: var(--a); color: #fff; padding: 6px 10px; border-radius: var(--r); font-size: 0.85em; box-shadow: 0 4px 12px rgba(0,0,0,.2); max-width: 60vw; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.scrim { position: fixed; inset: 0; background: rgba(15, 23, 42, .35); z-index: 20; }
.drawer { position: fixed; top: 0; right: 0; bottom: 0; width: min(100vw, 420px); z-index: 21; background: var(--allot-bg, #fff); padding: 12px; overflow-y: auto; box-shadow: -4px 0 16px rgba(0,0,0,.15); }
.drawer header { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.drawer header h3 { margin: 0; overflow-wrap: anywhere; }
.drawer h4 { margin: 12px 0 6px; }
ol.log { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
ol.log li.entry { border-left: 3px solid var(--a); padding: 4px 8px; background: #f8fafc; border-radius: 4px; }
ol.log .note { white-space: pre-wrap; overflow-wrap: anywhere; }
form.follow-up textarea { width: 100%; }
form.follow-up .wide { grid-column: 1 / -1; }
"#;

/// The dashboard: charts in a grid that stacks to one column on a phone.
pub const DASHBOARD_CSS: &str = r#"
.dashboard h2 { margin: 0; font-size: 1.1em; flex: 1 1 100%; }
form.custom { display: flex; flex-wrap: wrap; gap: 6px; align-items: end; }
form.custom label { display: flex; flex-direction: column; font-size: 0.8em; color: var(--m); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr)); gap: 12px; }
figure.chart { margin: 0; border: 1px solid var(--b); border-radius: var(--r); padding: 10px; min-width: 0; }
figure.chart figcaption { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
figure.chart h3 { margin: 0; font-size: 1em; }
figure.chart .tools { display: flex; gap: 4px; }
figure.chart .tools button { min-height: 32px; padding: 2px 8px; font-size: 0.85em; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg text { font-size: 11px; fill: currentColor; } svg text.figure { fill: var(--m); } svg text.end { text-anchor: end; }
svg rect.track { fill: #f1f5f9; } svg rect.value { fill: var(--a); } svg line.marker { stroke: #dc2626; stroke-width: 2; }
svg rect.in, .swatch.in { fill: #16a34a; background: #16a34a; } svg rect.out, .swatch.out { fill: #f59e0b; background: #f59e0b; }
svg line.axis { stroke: var(--b); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 2px; vertical-align: middle; }
.swatch.marker { background: #dc2626; width: 3px; }
.legend { font-size: 0.8em; margin: 6px 0 0; }
.table { overflow-x: auto; }
.table table { border-collapse: collapse; font-size: 0.8em; width: 100%; }
.table th, .table td { border-bottom: 1px solid var(--b); padding: 4px 6px; text-align: left; white-space: nowrap; font-variant-numeric: tabular-nums; }
dl.mix { grid-template-columns: repeat(4, auto 1fr); margin-top: 8px; }
.compare.strategies-side-by-side { grid-column: 1 / -1; }
.review-link a, .review-link button { font-weight: 600; color: var(--a); }
@media (max-width: 480px) { dl.mix { grid-template-columns: auto 1fr auto 1fr; } }
form.intake { grid-template-columns: 1fr; background: var(--allot-bg, #fff); }
form.intake label { font-size: 0.95em; }
form.intake textarea { width: 100%; resize: vertical; }
form.intake button.primary { width: 100%; min-height: 48px; font-size: 1.05em; }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.received button { margin-top: 8px; }
"#;

/// `<allot-reminders>`: a list of tappable reminders, each opening the follow-up form.
pub const REMINDERS_CSS: &str = r#"
.reminders h3.group { font-size: 0.95em; margin: 12px 0 4px; }
.reminders h3.overdue { color: #b91c1c; } .reminders h3.recycle { color: #9a3412; }
li.reminder { padding: 0; border-bottom: 1px solid var(--b); }
li.reminder button.open { width: 100%; text-align: left; background: none; border: 0; border-radius: 0; display: flex; flex-direction: column; align-items: flex-start; gap: 2px; padding: 10px 4px; min-height: 48px; }
li.reminder form { margin: 0 4px 10px; }
"#;

/// `<allot-customers>`: rows with a checkbox, and the bulk bar (its head here; its
/// actions are `<allot-bulk>`, which sits in it).
#[cfg(feature = "customers")]
pub const CUSTOMERS_CSS: &str = r#"
li.row.pickable { grid-template-columns: auto 1fr auto; align-items: center; }
.pick { width: 22px; height: 22px; margin: 0; }
.bulk { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 4px; border-bottom: 1px solid var(--b); }
.bulk[hidden] { display: none; }
.bulk .head, .bulk .acts { display: contents; }
.bulk label { display: inline-flex; align-items: center; gap: 6px; margin: 0; }
.bulk .link { border: 0; background: none; color: var(--a); text-decoration: underline; padding: 0; min-height: 0; }
"#;

/// `<allot-bulk>`: the actions in `<allot-customers>`' bulk bar, on the bar's line.
#[cfg(feature = "bulk")]
pub const BULK_CSS: &str = r#"
:host { flex: 1 1 auto; background: none; }
.acts { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.acts .msg { flex: 1 1 100%; margin: 0; }
"#;

/// `<allot-admin>`: a tab per section, tables that scroll sideways on a phone, row editors.
#[cfg(feature = "admin")]
pub const ADMIN_CSS: &str = r#"
nav.sections { display: flex; gap: 4px; overflow-x: auto; border-bottom: 1px solid var(--b); margin-bottom: 12px; }
nav.sections button { border: 0; border-radius: var(--r) var(--r) 0 0; background: none; white-space: nowrap; }
nav.sections button[aria-current=page] { background: var(--a); color: #fff; }
.admin h2 { font-size: 1.1em; margin: 0 0 8px; }
.admin h3 { font-size: 1em; margin: 16px 0 6px; }
.admin .rows { overflow-x: auto; }
.admin table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
.admin th, .admin td { border-bottom: 1px solid var(--b); padding: 4px 6px; text-align: left; vertical-align: top; }
.admin td input, .admin td select { min-height: 36px; width: 100%; min-width: 4em; }
.admin th, .admin td.num, .admin td.held, .admin td.active { white-space: nowrap; }
.admin td.num, .admin th.num { text-align: right; font-variant-numeric: tabular-nums; }
.admin tr.bad td { background: #fff1f2; }
.admin tr.dup td { background: #fffbeb; }
.admin ul.errors { margin: 4px 0; padding-left: 18px; color: #b91c1c; font-size: 0.9em; }
.admin .tools { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
.admin .drop { border: 2px dashed var(--b); border-radius: var(--r); padding: 18px; text-align: center; }
.admin .drop.over { border-color: var(--a); background: #eff6ff; }
.admin li.stage { display: grid; grid-template-columns: auto 1fr 5em auto; gap: 6px; align-items: center; padding: 6px 0; border-bottom: 1px solid var(--b); }
.admin li.stage.dragging { opacity: .4; }
.admin ol.stages { list-style: none; margin: 0; padding: 0; }
.admin .grip { cursor: grab; touch-action: none; color: var(--m); padding: 0 4px; }
.admin .secret { font-family: ui-monospace, monospace; overflow-wrap: anywhere; background: #f8fafc; padding: 6px; border-radius: 4px; }
.admin img.qr { width: 160px; height: 160px; }
.admin .count { font-weight: 600; font-variant-numeric: tabular-nums; }
.admin p.explain { margin: 2px 0 8px; color: var(--m); font-size: 0.85em; }
.admin fieldset { border: 1px solid var(--b); border-radius: var(--r); margin: 0 0 8px; min-width: 0; }
.admin label.check { flex-direction: row; align-items: center; gap: 6px; display: inline-flex; margin-right: 10px; }
.admin label.check input { min-height: 24px; width: auto; }
.admin .msg ul.errors, .admin .msg p { margin: 0; }
.admin li.segment > span:nth-child(2) { display: grid; gap: 4px; min-width: 0; }
.admin li.segment .line { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.admin li.segment .line label { flex-direction: row; align-items: center; gap: 4px; display: inline-flex; }
.admin input.days { width: 5em; }
.admin ul.conditions { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
.admin li.condition { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.admin li.condition select, .admin li.condition input { min-height: 36px; max-width: 100%; }
.admin li.condition fieldset.choices { margin: 0; padding: 2px 6px; }
.admin li.segment button.add-condition { justify-self: start; }
.admin fieldset.choices legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 480px) { .admin li.stage { grid-template-columns: auto 1fr 4em; } .admin li.stage .moves { grid-column: 1 / -1; } }
"#;

/// The stylesheet one kind of element adopts: only the parts it draws, so an element's
/// own bundle carries no other element's rules.
pub fn for_kind(kind: &str) -> String {
    let parts: &[&str] = match kind {
        #[cfg(feature = "customers")]
        "customers" => &[CSS, CUSTOMERS_CSS],
        #[cfg(feature = "allocate")]
        "allocate" => &[CSS, PANELS_CSS],
        #[cfg(feature = "pool")]
        "pool" => &[CSS, PANELS_CSS],
        #[cfg(feature = "board")]
        "board" => &[CSS, PANELS_CSS, BOARD_CSS],
        #[cfg(feature = "reminders")]
        "reminders" => &[CSS, BOARD_CSS, REMINDERS_CSS],
        #[cfg(feature = "dashboard")]
        "dashboard" => &[CSS, PANELS_CSS, DASHBOARD_CSS],
        #[cfg(feature = "admin")]
        "admin" => &[CSS, PANELS_CSS, ADMIN_CSS],
        #[cfg(feature = "bulk")]
        "bulk" => &[CSS, BULK_CSS],
        _ => &[CSS],
    };
    parts.concat()
}
