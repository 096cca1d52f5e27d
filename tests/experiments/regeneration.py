"""What the two regenerations of the experiments run with (fixtures in conftest.py)."""

# The "other machine": x86's baseline (SSE) kernels in torch (ATen), MKL, oneDNN and OpenBLAS.
# torch honours ATEN_CPU_CAPABILITY on every CPU; where MKL, oneDNN or OpenBLAS is absent (ARM),
# its variable is simply ignored.
BASELINE_KERNELS = {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
                    "ONEDNN_MAX_CPU_ISA": "SSE41", "OPENBLAS_CORETYPE": "Nehalem",
                    "OMP_WAIT_POLICY": "PASSIVE"}
THREADS = {"native": 1, "baseline": 2}
