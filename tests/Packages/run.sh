#!/usr/bin/env bash
# The packages as a user meets them: pack every library into a temporary feed, then build fresh `dotnet new console`
# projects that reference them from that feed only (plus the public registry for their dependencies) and run them:
#   sgld  — Langevin.Training: three SGLD steps on a tensor with TorchSharp (torch must load: the packaged native fix)
#   sgld published — the same app published for linux-x64: the fix patches the published copy too
#   rod   — Langevin.Pde: the heat equation on a rod against its Fourier series, and no TorchSharp in the restore graph
#   tool  — Langevin.Cli installed with `dotnet tool install` into a tool path: info and generate from an empty folder
#   notebooks — each notebook's code cells, run in order as a file-based app (the notebook kernel does not run here)
# Prints "N passed, N failed" and exits non-zero when any failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
feed="$work/feed"
passed=0 failed=0

# A version of this run's own, so that NuGet's global cache can never hand back packages of an earlier run; they are
# removed from it at the end.
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)-test.$(date +%s)"
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
trap 'rm -rf "$work"; for p in "$cache"/langevin.*/"$version"; do rm -rf "$p"; done; rmdir "$cache"/langevin.* 2>/dev/null' EXIT
# A run writes about 3 GB at its peak (torch in the tool, the consumers and the published app): say so up front rather
# than fail half-way with "No space left on device".
free_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
if [ "${free_kb:-0}" -lt $((4 * 1024 * 1024)) ]; then
  echo "error: $(df -Ph "$work" | awk 'NR == 2 {print $4}') free under $work; the package checks need about 4 GB: free space or set TMPDIR"
  echo "0 passed, 1 failed"; exit 1
fi
echo "packing $version into $feed"
if ! dotnet pack "$root/Langevin.slnx" -c Release -o "$feed" -p:Version="$version" > "$work/pack.log" 2>&1; then
  cat "$work/pack.log"; echo "0 passed, 1 failed"; exit 1
fi

cat > "$work/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Langevin.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG

# consumer NAME PACKAGE CHECK: a new console app with Program.cs from stdin; CHECK is a grep pattern its output must match.
consumer() {
  local name=$1 package=$2 expect=$3 dir="$work/$1"
  dotnet new console -o "$dir" --framework net10.0 > /dev/null 2>&1
  cat > "$dir/Program.cs"
  # Outside this repository's Directory.Build.* files: the project sees only what the package brings.
  echo '<Project />' > "$dir/Directory.Build.props"; echo '<Project />' > "$dir/Directory.Build.targets"
  if dotnet add "$dir" package "$package" --version "$version" > "$work/$name-add.log" 2>&1 \
     && dotnet build "$dir" -c Release -v n > "$work/$name-build.log" 2>&1 \
     && dotnet run --project "$dir" -c Release --no-build > "$work/$name-run.log" 2>&1 \
     && grep -qE "$expect" "$work/$name-run.log"; then
    passed=$((passed + 1)); echo "ok: $name"; sed 's/^/    /' "$work/$name-run.log"
    grep -h "Langevin.NativeFix:" "$work/$name-build.log" | sed 's/^ */    build: /' | sort -u
  else
    failed=$((failed + 1)); echo "FAILED: $name"
    for log in add build run; do [ -f "$work/$name-$log.log" ] && tail -n 15 "$work/$name-$log.log" | sed "s/^/    $log: /"; done
  fi
}

consumer sgld Langevin.Training '^loss after 3 SGLD steps: [0-9.]+ \(from [0-9.]+\)$' <<'CS'
using Langevin.Optim;
using TorchSharp;
using static TorchSharp.torch;

// Least squares y = Xw by SGLD, in a hand-written TorchSharp loop.
using var generator = new Generator(1);
var x = randn([64, 3], generator: generator);
var y = x.matmul(tensor(new float[] { 1, -2, 0.5f })) ;
var w = nn.Parameter(zeros(3));
var optimizer = new SGLD([w], lr: 0.05, diffusion: 1e-6, seed: 7);
double first = double.NaN, loss = double.NaN;
for (int step = 0; step < 3; step++)
{
    optimizer.zero_grad();
    var l = (x.matmul(w) - y).pow(2).mean();
    l.backward();
    optimizer.step();
    loss = l.item<float>();
    if (step == 0) first = loss;
}
if (!(loss < first)) throw new Exception($"the loss did not fall: {first} -> {loss}");
Console.WriteLine($"loss after 3 SGLD steps: {loss:F4} (from {first:F4})");
CS

consumer rod Langevin.Pde '^u\(0\.5, 0\.1\) = [0-9.]+, series [0-9.]+, error [0-9.eE-]+ ok$' <<'CS'
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

// u_t = α u_xx on [0, 1], u = 0 at both ends, u(x, 0) = sin(πx) + 0.5 sin(3πx): the series is exact.
const double alpha = 0.5, t = 0.1;
var problem = HeatProblem.Rod(length: 1, points: 201, alpha, leftValue: 0, rightValue: 0);
var solver = HeatSolver.Create(problem, dt: 1e-4, Scheme.CrankNicolson);
double[] u = solver.Solve(problem.Grid.Sample(p => Math.Sin(Math.PI * p[0]) + 0.5 * Math.Sin(3 * Math.PI * p[0])), t);
double series = Math.Exp(-alpha * Math.PI * Math.PI * t) * Math.Sin(Math.PI * 0.5) + 0.5 * Math.Exp(-9 * alpha * Math.PI * Math.PI * t) * Math.Sin(3 * Math.PI * 0.5);
double error = Math.Abs(u[100] - series);
// Second order in space and time: h² = 2.5e-5 and dt² = 1e-8 bound the error well below 1e-4.
if (error > 1e-4) throw new Exception($"u(0.5) = {u[100]}, series {series}");
if (AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "TorchSharp")) throw new Exception("TorchSharp was loaded");
Console.WriteLine($"u(0.5, 0.1) = {u[100]:F6}, series {series:F6}, error {error:E1} ok");
CS
# The fix on publish too, as a deployment is published: for one runtime (`-r linux-x64`), where the library lands at the
# top of the folder instead of under runtimes/; the published copy is patched and torch loads from it. One runtime also
# keeps the copy to the Linux libraries instead of every platform's (a portable publish of torch is over 1 GB).
if [ -d "$work/sgld/bin" ] && dotnet publish "$work/sgld" -c Release -r linux-x64 --self-contained false -o "$work/sgld-published" -v n > "$work/sgld-publish.log" 2>&1 \
   && [ -f "$work/sgld-published/libLibTorchSharp.so" ] \
   && dotnet "$work/sgld-published/sgld.dll" | grep -qE '^loss after 3 SGLD steps'; then
  passed=$((passed + 1)); echo "ok: sgld published for linux-x64"; grep -h "Langevin.NativeFix:" "$work/sgld-publish.log" | sed 's/^ */    publish: /' | sort -u
else
  failed=$((failed + 1)); echo "FAILED: sgld published for linux-x64"; tail -n 15 "$work/sgld-publish.log" 2>/dev/null | sed 's/^/    /'
fi
rm -rf "$work/sgld-published" "$work/sgld/bin" "$work/sgld/obj"

# Every package says its licence (NuGet shows it and `dotnet list package --include-transitive` audits read it).
unlicensed=$(for nupkg in "$feed"/*.nupkg; do unzip -p "$nupkg" '*.nuspec' | grep -q '<license type="expression">MIT</license>' || basename "$nupkg"; done)
if [ -z "$unlicensed" ] && ls "$feed"/*.nupkg > /dev/null 2>&1; then
  passed=$((passed + 1)); echo "ok: every package carries the MIT licence expression"
else
  failed=$((failed + 1)); echo "FAILED: no licence expression in: $unlicensed"
fi

# The PDE package must not bring torch: no TorchSharp in the consumer's restore graph.
if grep -qi '"TorchSharp' "$work/rod/obj/project.assets.json" 2>/dev/null; then
  failed=$((failed + 1)); echo "FAILED: rod restores TorchSharp"
else
  passed=$((passed + 1)); echo "ok: Langevin.Pde brings no TorchSharp"
fi

# The CLI as a dotnet tool: installed into a tool path from the feed, run from an empty folder.
tools="$work/tools" empty="$work/empty"
mkdir -p "$empty"
if dotnet tool install Langevin.Cli --tool-path "$tools" --add-source "$feed" --version "$version" > "$work/tool-install.log" 2>&1 \
   && (cd "$empty" && "$tools/langevin" info > "$work/tool-info.log" 2>&1) \
   && grep -q "^torch: loaded" "$work/tool-info.log" \
   && grep -q "^fashion-mnist: found at .* (next to the program)" "$work/tool-info.log" \
   && grep -q "^model fashion-ldm: found at .* (next to the program)" "$work/tool-info.log" \
   && (cd "$empty" && "$tools/langevin" generate "a photo of a sneaker" -n 2 > "$work/tool-generate.log" 2>&1) \
   && [ -s "$empty/grid.png" ]; then
  passed=$((passed + 1)); echo "ok: dotnet tool install Langevin.Cli; langevin info and generate from an empty folder"
  sed 's/^/    /' "$work/tool-info.log" "$work/tool-generate.log"
else
  failed=$((failed + 1)); echo "FAILED: the langevin tool"
  for log in install info generate; do [ -f "$work/tool-$log.log" ] && tail -n 15 "$work/tool-$log.log" | sed "s/^/    $log: /"; done
fi
rm -rf "$tools"

# The notebooks (notebooks/*.ipynb). The Polyglot kernel does not run here (no Jupyter, no VS Code), so each notebook's
# code cells run in order as a .NET file-based app against the packed feed (tests/Packages/notebook-script.cs converts).
for notebook in "$root"/notebooks/*.ipynb; do
  name=$(basename "$notebook" .ipynb) dir="$work/notebook-$name"
  mkdir -p "$dir"
  if dotnet run "$root/tests/Packages/notebook-script.cs" -- "$notebook" "$dir/$name.cs" "$version" > "$work/nb-$name.log" 2>&1 \
     && (cd "$dir" && LANGEVIN_MODELS="$root/models" dotnet run "$name.cs" >> "$work/nb-$name.log" 2>&1); then
    passed=$((passed + 1)); echo "ok: notebook $name"; sed 's/^/    /' "$work/nb-$name.log"
  else
    failed=$((failed + 1)); echo "FAILED: notebook $name"; tail -n 20 "$work/nb-$name.log" | sed 's/^/    /'
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
