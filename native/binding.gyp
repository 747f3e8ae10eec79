{
  "targets": [
    {
      "target_name": "seer_torch",
      "sources": ["src/seer_torch.cc", "src/allocator.cc", "src/attention.cc"],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")",
        "/usr/include/torch/csrc/api/include"
      ],
      "libraries": ["-ltorch", "-ltorch_cpu", "-lc10"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]
    }
  ]
}
