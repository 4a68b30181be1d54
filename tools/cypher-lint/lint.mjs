// Reads [{name, cypher, params: [..]}] as JSON on stdin; prints [{name, diagnostics}] on stdout.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const st of JSON.parse(input)) {
  const parameters = Object.fromEntries(st.params.map((p) => [p, null]));
  const result = lintCypherQuery(st.cypher, { parameters });
  const diagnostics = (result.diagnostics ?? result).map((d) => ({
    severity: d.severity, message: d.message, offset: d.offsets?.start,
  }));
  out.push({ name: st.name, diagnostics });
}
process.stdout.write(JSON.stringify(out));
