import Testing
import TresorDaemon

/// The web page's HTML text: interpolated strings are escaped, markup is not.
struct MarkupTests {
    @Test func interpolatedTextIsEscapedAndMarkupIsKept() {
        let name = "\"><script>alert('x')</script>&"
        let cell: Markup = "<td title=\"\(name)\">\(name)</td>"
        let row: Markup = "<tr>\(cell)</tr>"
        let escaped = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        #expect(row.description == "<tr><td title=\"\(escaped)\">\(escaped)</td></tr>")
    }

    @Test func escapingLeavesOtherTextAlone() {
        #expect(Markup.escape("payments-db ünïcödé 🔑 a=b") == "payments-db ünïcödé 🔑 a=b")
    }
}
