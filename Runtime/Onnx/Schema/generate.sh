#!/bin/sh
# Regenerates Onnx.g.cs from onnx_subset.proto with protoc from the Google.Protobuf.Tools NuGet package
# (restore any project referencing it first; the version matches Google.Protobuf in Directory.Packages.props).
set -e
cd "$(dirname "$0")"
tools="${NUGET_PACKAGES:-$HOME/.nuget/packages}/google.protobuf.tools/3.36.2/tools"
"$tools/linux_x64/protoc" --proto_path=. --proto_path="$tools" --csharp_out=. --csharp_opt=file_extension=.g.cs,internal_access onnx_subset.proto
