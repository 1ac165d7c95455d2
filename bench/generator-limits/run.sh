#!/usr/bin/env bash
# Build time, compiler peak memory and generated source size of a large declaration (8 bidirectional LSTM layers of 4
# units) at Steps = 32, 1024 and 4096: what the generated code costs the compiler as the steps grow.
# Usage: bench/generator-limits/run.sh [steps ...]   (prints one Markdown row per Steps value)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/Generator/RnnGen.Generator.csproj" -c Release -v q -nologo >/dev/null
dotnet build "$root/Runtime/RnnGen.Runtime.csproj" -c Release -v q -nologo >/dev/null
echo "| Steps | build (s) | compiler peak RSS (MB) | generated source (KB) |"
echo "|---|---|---|---|"
for steps in "${@:-32 1024 4096}"; do
    dir="$work/t$steps"
    mkdir -p "$dir"
    cat > "$dir/Limits.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Library</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
    <UseSharedCompilation>false</UseSharedCompilation>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="$root/Runtime/bin/Release/net10.0/RnnGen.Runtime.dll" />
    <Analyzer Include="$root/Generator/bin/Release/netstandard2.0/RnnGen.Generator.dll" />
  </ItemGroup>
</Project>
XML
    layers=""
    for _ in 1 2 3 4 5 6 7 8; do layers="$layers[Lstm(4, Bidirectional = true)]"$'\n'; done
    cat > "$dir/Model.cs" <<CS
using RnnGen;
namespace Limits;
[RnnModel(Steps = $steps, Batch = 2)]
[VectorInput(4)]
$layers[LinearOutput(1)]
public partial class Deep { }
CS
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$dir/rss" dotnet build "$dir/Limits.csproj" -c Release -v q -nologo -m:1 -nodeReuse:false -p:TreatWarningsAsErrors=false >/dev/null
    end=$(date +%s.%N)
    rss_kb=$(tail -1 "$dir/rss")
    size=$(find "$dir/obj" -name 'Limits.Deep.g.cs' -printf '%s')
    printf '| %s | %.1f | %d | %d |\n' "$steps" "$(echo "$end - $start" | bc)" $((rss_kb / 1024)) $((size / 1024))
done
