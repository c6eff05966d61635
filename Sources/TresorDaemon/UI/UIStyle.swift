/// The one stylesheet, served from `/ui/static/ui.css` (the CSP allows no inline style).
enum UIStyle {
    static let css = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
        header{display:flex;gap:1.5em;align-items:center;padding:.7em 1.5em;background:#1d2330;color:#fff}
        header a{color:#fff;text-decoration:none;font-weight:600}header a.active{border-bottom:2px solid #7fb0ff}
        header .who{margin-left:auto;opacity:.85}header form{margin:0}
        header button{background:none;border:1px solid #7f8aa3;color:#fff;border-radius:4px;padding:.2em .7em;cursor:pointer}
        main{padding:1.2em 1.5em;max-width:80em}
        h1{font-size:1.35em;margin:.2em 0 .8em}h2{font-size:1.1em;margin:1.4em 0 .5em}
        table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0001}
        th,td{text-align:left;padding:.4em .6em;border-bottom:1px solid #e3e6eb;vertical-align:top}
        th{background:#eef0f4;font-weight:600;font-size:.9em}
        code,.fp{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all}
        .state{display:inline-block;padding:.05em .5em;border-radius:1em;font-size:.85em;background:#e3e6eb}
        .state-active,.state-ok,.state-approved,.state-executed{background:#d6f5df;color:#14532d}
        .state-pendingApproval,.state-pending,.state-na{background:#fff1c2;color:#713f12}
        .state-rejected,.state-failed,.state-nok,.state-expired,.state-notAvailable{background:#fde0e0;color:#7f1d1d}
        .filters{display:flex;gap:.6em;flex-wrap:wrap;align-items:end;margin-bottom:1em}
        .filters label{display:flex;flex-direction:column;font-size:.85em}
        input,select,textarea{font:inherit;padding:.3em .4em;border:1px solid #b8bfcc;border-radius:4px}
        textarea{width:100%;max-width:40em;min-height:4em}
        button.primary{background:#1f6feb;color:#fff;border:0;border-radius:4px;padding:.45em 1.1em;font:inherit;cursor:pointer}
        button.danger{background:#c62828;color:#fff;border:0;border-radius:4px;padding:.45em 1.1em;font:inherit;cursor:pointer}
        .notice{padding:.7em 1em;border-radius:4px;background:#e8f0fe;border:1px solid #b6cdfb;margin:1em 0}
        .refusal{background:#fdecec;border-color:#f3b4b4}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1.2em;background:#fff;padding:1em;box-shadow:0 1px 2px #0001}
        dt{font-weight:600}dd{margin:0}
        .pager{margin:1em 0;display:flex;gap:1em;align-items:center}
        .signin{max-width:28em;margin:4em auto;background:#fff;padding:1.5em 2em;box-shadow:0 1px 3px #0002}
        .signin input{width:100%;box-sizing:border-box;margin:.4em 0 1em}
        .muted{color:#5b6478;font-size:.9em}
        .fields-added{color:#14532d}.fields-removed{color:#7f1d1d}.fields-changed{color:#713f12}
        """
}
