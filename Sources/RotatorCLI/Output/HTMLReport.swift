import Foundation
import RotatorCore

/// `report --format html`: one self-contained page (inline CSS and SVG, no script, no external asset) with a
/// summary, a chart of token age against max age per controller, and the report table.
struct HTMLReport {
    private var rows: [TokenReportRow] = []
    private let asOf: Date
    private let source: String

    init(asOf: Date, source: String) {
        self.asOf = asOf
        self.source = source
    }

    mutating func add(_ assessment: TokenAssessment) {
        rows.append(TokenReportRow(assessment))
    }

    /// Age as a share of max age, in the buckets the chart stacks; the last one is "overdue".
    static let buckets: [(label: String, color: String)] = [
        ("under 50% of max age", "#4c9a5f"), ("50–75%", "#9bbf5a"), ("75–100%", "#e0a93b"), ("overdue", "#c8372d"),
    ]

    static func bucket(_ assessment: TokenAssessment) -> Int? {
        guard let maxAge = assessment.maxAge, maxAge.seconds > 0 else { return nil }
        if assessment.overdue { return 3 }
        let share = Double(assessment.age.seconds) / Double(maxAge.seconds)
        return share < 0.5 ? 0 : share < 0.75 ? 1 : 2
    }

    func render() -> String {
        let live = rows.filter { $0.assessment.token.state != .revoked }
        let managed = live.filter { $0.assessment.isManaged }
        let overdue = managed.filter { $0.assessment.overdue }.count
        let weekAhead = asOf.addingTimeInterval(7 * 86_400)
        let dueThisWeek = managed.filter {
            !$0.assessment.overdue && ($0.assessment.due.map { $0 <= weekAhead } ?? false)
        }.count
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Jenkins API token age — \(Self.escape(Timestamp.format(asOf)))</title>
            <style>\(Self.style)</style></head><body>
            <header><h1>Jenkins API token age</h1>
            <p class="meta">as of \(Self.escape(Timestamp.format(asOf))) · \(Self.escape(source))</p></header>
            <section class="summary">
            \(Self.card("tokens", live.count, "total", note: "\(managed.count) managed"))
            \(Self.card("overdue", overdue, overdue > 0 ? "bad" : "good", note: "past max_age"))
            \(Self.card("due-this-week", dueThisWeek, dueThisWeek > 0 ? "warn" : "good", note: "due within 7 days"))
            </section>

            """
        html += chart(managed)
        html += table()
        html += "</body></html>\n"
        return html
    }

    private static func card(_ id: String, _ value: Int, _ tone: String, note: String) -> String {
        """
        <div class="card \(tone)" id="\(id)" data-value="\(value)"><span class="value">\(value)</span>\
        <span class="label">\(id.replacingOccurrences(of: "-", with: " "))</span><span class="note">\(escape(note))</span></div>
        """
    }

    /// One stacked bar per controller: how many of its managed tokens sit in each age bucket.
    private func chart(_ managed: [TokenReportRow]) -> String {
        var counts: [String: [Int]] = [:]
        for row in managed {
            guard let bucket = Self.bucket(row.assessment) else { continue }
            counts[row.assessment.token.controller, default: [0, 0, 0, 0]][bucket] += 1
        }
        let controllers = counts.keys.sorted()
        guard !controllers.isEmpty else {
            return "<section class=\"chart\"><h2>Age against max age</h2><p>No managed tokens.</p></section>\n"
        }
        let labelWidth = 160.0
        let barWidth = 560.0
        let rowHeight = 28.0
        let top = 34.0  // the legend sits above the bars, where a reader looks first
        let height = top + Double(controllers.count) * rowHeight + 8
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" width="\(Int(labelWidth + barWidth + 80))" \
            height="\(Int(height))" aria-label="Token age against max age per controller">

            """
        var legendX = labelWidth
        for bucket in Self.buckets {
            svg += """
                <rect x="\(Int(legendX))" y="4" width="12" height="12" fill="\(bucket.color)"/>\
                <text x="\(Int(legendX + 16))" y="15">\(Self.escape(bucket.label))</text>

                """
            legendX += 36 + 7 * Double(bucket.label.count)
        }
        svg += "<text x=\"\(Int(labelWidth + barWidth + 8))\" y=\"15\" class=\"axis\">tokens</text>\n"
        for (index, controller) in controllers.enumerated() {
            let values = counts[controller]!
            let total = Double(values.reduce(0, +))
            let y = top + Double(index) * rowHeight
            svg += "<text x=\"\(Int(labelWidth - 8))\" y=\"\(Int(y + 15))\" text-anchor=\"end\">"
            svg += "\(Self.escape(controller))</text>\n"
            var x = labelWidth
            for (bucket, count) in values.enumerated() where count > 0 {
                let width = barWidth * Double(count) / total
                svg += """
                    <rect class="bucket-\(bucket)" x="\(Self.number(x))" y="\(Int(y))" width="\(Self.number(width))" \
                    height="20" fill="\(Self.buckets[bucket].color)" data-controller="\(Self.escape(controller))" \
                    data-count="\(count)"><title>\(Self.escape(controller)): \(count) \(Self.buckets[bucket].label)</title></rect>

                    """
                x += width
            }
            svg += "<text x=\"\(Int(labelWidth + barWidth + 8))\" y=\"\(Int(y + 15))\">\(Int(total))</text>\n"
        }
        svg += "</svg>"
        return "<section class=\"chart\"><h2>Age against max age, per controller</h2>\n\(svg)\n</section>\n"
    }

    private func table() -> String {
        var html = "<section><h2>Tokens</h2><table><thead><tr>"
        for column in TokenReportRow.columns { html += "<th>\(Self.escape(column))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in rows {
            let assessment = row.assessment
            let tone =
                assessment.isManaged && assessment.overdue
                ? " class=\"overdue\"" : assessment.token.state == .revoked ? " class=\"revoked\"" : ""
            html += "<tr\(tone)>"
            for field in row.fields {
                html += "<td>\(Self.escape(RowWriter<TokenReportRow>.plain(field)))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    private static let style = """
        body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;\
        padding:0 1rem;color:#1d2330;background:#fff}h1{font-size:1.6rem;margin:0}h2{font-size:1.1rem;margin:1.8rem 0 .6rem}\
        .meta{color:#5b6475;margin:.2rem 0 1.2rem}.summary{display:flex;gap:1rem;flex-wrap:wrap}\
        .card{border:1px solid #d9dde5;border-radius:8px;padding:.8rem 1.2rem;min-width:150px}\
        .card .value{display:block;font-size:2rem;font-weight:600}.card .label{display:block;font-weight:600;\
        text-transform:capitalize}.card .note{display:block;color:#5b6475;font-size:.85rem}\
        .card.bad{border-color:#c8372d;background:#fdf0ef}.card.bad .value{color:#c8372d}\
        .card.warn{border-color:#e0a93b;background:#fff8ea}.card.good .value{color:#2f7a44}\
        svg text{font:12px system-ui,sans-serif;fill:#1d2330}svg text.axis{fill:#5b6475}table{border-collapse:collapse;width:100%;font-size:12px}\
        th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eceef2;white-space:nowrap}\
        th{background:#f5f6f8;position:sticky;top:0}tr.overdue td{background:#fdf0ef;color:#8e2118}\
        tr.revoked td{color:#98a0ad}
        """
}
