// The LSTM's and the GRU's time loops for CPU tensors, in C++: what lstmcourse/torch/fused.py
// runs in Python, with each step's element-wise work done in ONE pass over memory instead of six
// torch ops. The LSTM has its forward and backward here; the GRU its forward, whose saved
// tensors feed fused.py's hand-written GRU backward unchanged.
//
// Why it exists. One LSTM step is a matrix product (B, H) @ (H, 4H) and then a handful of
// element-wise operations on (B, 4H) and (B, H) arrays. From Python each of those operations is a
// separate torch call: a dispatch of a few microseconds and a full pass over its arrays. At batch 1
// the dispatches are the whole cost; at batch 64 the passes are. Here the matrix product stays a
// torch call (at::mm_out, the same BLAS as torch.mm), and everything after it is one loop over
// the (B, H) positions that reads the four gate pre-activations and writes h and c.
//
// The specification is the readable steps of lstmcourse/torch/cells.py:
//   lstm_step: i, f, g, o = sigmoid(p_i), sigmoid(p_f), tanh(p_g), sigmoid(p_o)
//              c_t = f * c_{t-1} + i * g
//              h_t = o * tanh(c_t)
//   gru_step:  r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)      (h_* = W_h* h_{t-1} + b_h*)
//              n = tanh(x_n + r * h_n)
//              h_t = (1 - z) * n + z * h_{t-1}
// and tests/torch/test_torch_native.py holds this file to them (float64 to 1e-12).
//
// Layout (PyTorch's): gates i, f, g, o (r, z, n) are consecutive blocks of H columns of a row.
// Shapes: T steps, B batch, H hidden size. Every tensor arrives contiguous (native.py sees to it).
// It is built at first use by lstmcourse/torch/native.py with the compiler on the machine.

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

// ---- Activations ----------------------------------------------------------------------------
// float: exp written as plain arithmetic, so that the compiler turns the loops below into SIMD
// code (a call into libm would keep them scalar, about 10x slower). It is the classic
// range reduction: exp(x) = 2^n exp(r) with n = round(x / ln 2) and |r| <= ln(2) / 2, exp(r) by
// a degree-6 polynomial, 2^n by writing n into the float's exponent bits. Error: about one unit
// in the last place. The clamp keeps 2^n a normal float; it is written with ?: because
// std::fmin/fmax must honour NaN rules that stop vectorization (NaN still passes through).
inline float exp_approx(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);  // round(x / ln 2)
  float r = x - n * 0.693359375f;                                // ln 2 in two parts, so that
  r = r + n * 2.12194440e-4f;                                    // x - n ln 2 stays exact
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;  // exp(r)
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;  // the float 2^n
  return p * __builtin_bit_cast(float, bits);
}

inline float sigmoid(float x) { return 1.0f / (1.0f + exp_approx(-x)); }
// tanh(x) = 2 sigmoid(2x) - 1 (chapter 4's identity): the same one exp.
inline float tanh_(float x) { return 2.0f / (1.0f + exp_approx(-2.0f * x)) - 1.0f; }

// double: libm's exp and tanh, correctly rounded or nearly so. float64 is what the tests compare
// in, and speed matters less there.
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double tanh_(double x) { return std::tanh(x); }

// ---- One step, one batch row ----------------------------------------------------------------
// Forward. `mm` is the row of W_ih x_t + W_hh h_{t-1}, `bias` is b_ih + b_hh. Writes the
// activated gates (i, f, g, o) to `acts`, c_t to `c` and h_t to `h`. __restrict promises the
// compiler that the arrays do not overlap, which it needs before it vectorizes.
template <typename T>
void forward_row(const T* __restrict mm, const T* __restrict bias, const T* __restrict c_prev,
                 T* __restrict acts, T* __restrict c, T* __restrict h, int64_t H) {
  for (int64_t k = 0; k < H; ++k) {
    const T i = sigmoid(mm[k] + bias[k]);
    const T f = sigmoid(mm[H + k] + bias[H + k]);
    const T g = tanh_(mm[2 * H + k] + bias[2 * H + k]);
    const T o = sigmoid(mm[3 * H + k] + bias[3 * H + k]);
    const T c_t = f * c_prev[k] + i * g;
    acts[k] = i;
    acts[H + k] = f;
    acts[2 * H + k] = g;
    acts[3 * H + k] = o;
    c[k] = c_t;
    h[k] = o * tanh_(c_t);
  }
}

// Backward, the chain rule through one step (the same derivation as lstmcourse.numpy's
// lstm_cell_backward). dh = dout_t + dh_next is the gradient reaching h_t; `dc` holds the one
// reaching c_t from step t+1 and leaves holding the one reaching c_{t-1}. Writes the gradient of
// the four pre-activations to `dpre`.
template <typename T>
void backward_row(const T* __restrict acts, const T* __restrict c, const T* __restrict c_prev,
                  const T* __restrict dout, const T* __restrict dh_next, T* __restrict dc,
                  T* __restrict dpre, int64_t H) {
  for (int64_t k = 0; k < H; ++k) {
    const T i = acts[k], f = acts[H + k], g = acts[2 * H + k], o = acts[3 * H + k];
    const T tc = tanh_(c[k]);
    const T dh = dout[k] + dh_next[k];
    const T dc_t = dc[k] + dh * o * (T(1) - tc * tc);  // through h_t = o tanh(c_t)
    dpre[k] = dc_t * g * i * (T(1) - i);
    dpre[H + k] = dc_t * c_prev[k] * f * (T(1) - f);
    dpre[2 * H + k] = dc_t * i * (T(1) - g * g);
    dpre[3 * H + k] = dh * tc * o * (T(1) - o);
    dc[k] = dc_t * f;  // along the conveyor belt into c_{t-1}
  }
}

// GRU forward. `mm` is the row of h_{t-1} W_hh^T, `b_hh` the hidden bias (zeros when the layer
// has none), `xp` the row of W_ih x_t + b_ih. Writes W_hh h_{t-1} + b_hh to `hw` and r, z, n to
// `acts` (what fused.py's GRU backward reads), and h_t to `h`.
template <typename T>
void gru_forward_row(const T* __restrict mm, const T* __restrict b_hh, const T* __restrict xp,
                     const T* __restrict h_prev, T* __restrict hw, T* __restrict acts,
                     T* __restrict h, int64_t H) {
  for (int64_t k = 0; k < H; ++k) {
    const T h_r = mm[k] + b_hh[k], h_z = mm[H + k] + b_hh[H + k];
    const T h_n = mm[2 * H + k] + b_hh[2 * H + k];
    const T r = sigmoid(xp[k] + h_r);
    const T z = sigmoid(xp[H + k] + h_z);
    const T n = tanh_(xp[2 * H + k] + r * h_n);
    hw[k] = h_r;
    hw[H + k] = h_z;
    hw[2 * H + k] = h_n;
    acts[k] = r;
    acts[H + k] = z;
    acts[2 * H + k] = n;
    h[k] = n + z * (h_prev[k] - n);  // (1 - z) n + z h_{t-1}
  }
}

// ---- The time loops -------------------------------------------------------------------------
// The rows of a batch never meet in an LSTM or a GRU: row b's h_t depends only on row b's inputs
// and states. So the batch is cut into one block of rows per thread, and each thread runs the
// WHOLE time loop for its block: one matrix product and one element-wise pass per step, on data
// it just wrote (still in its cache), with no waiting for the other threads between steps. A
// block has at least 8 rows, so batches of up to 8 stay on one thread, where a second one would
// cost more than it saves.
inline int64_t rows_per_block(int64_t B) {
  const int64_t threads = std::max<int64_t>(1, at::get_num_threads());
  return std::max<int64_t>(8, (B + threads - 1) / threads);
}

// The product of a step, out (n, N) = a (n, K) @ w (K, N), all row-major. For a few rows it is a
// few microseconds of work, and a BLAS call costs about as much again in checks and dispatch; so
// up to kSmallRows rows it is this loop (an "axpy" per row of w: the inner loop runs along
// contiguous memory, which the compiler makes SIMD), above it at::mm_out.
constexpr int64_t kSmallRows = 4;

template <typename T>
void small_matmul(const T* __restrict a, const T* __restrict w, T* __restrict out, int64_t n,
                  int64_t K, int64_t N) {
  for (int64_t b = 0; b < n; ++b) {
    T* __restrict o = out + b * N;
    for (int64_t j = 0; j < N; ++j) o[j] = T(0);
    for (int64_t k = 0; k < K; ++k) {
      const T s = a[b * K + k];
      const T* __restrict w_k = w + k * N;
      for (int64_t j = 0; j < N; ++j) o[j] += s * w_k[j];
    }
  }
}

// The loops call torch (at::mm_out) on tensors that may require grad, e.g. the weights. They are
// called where no graph is wanted (inside an autograd.Function, or under no_grad), but grad mode
// is per thread and the worker threads of parallel_for do not inherit it. So every thread skips
// autograd's dispatch for the ops it calls, which is also a little faster.
using BelowAutograd = at::AutoDispatchBelowADInplaceOrView;

// Forward over the sequence. x (T, B, D); w_ih (4H, D), w_hh (4H, H); bias (4H,) = b_ih + b_hh
// (zeros when the layer has none). Each step is ONE product, [x_t, h_{t-1}] @ [W_ih, W_hh]^T,
// with K = D + H: the input's share of the pre-activations is computed with the recurrent one
// instead of for all steps beforehand. That costs nothing in arithmetic and saves writing and
// re-reading a (T, B, 4H) array: at T100/B64/H128, 13 MB, about a quarter of the run's time
// (measured 10.6 against 14.8 ms for this function's two versions, interleaved, two threads).
// With keep = true (training), returns [out, acts (T, B, 4H), cells (T, B, H)]: what the backward
// needs; with keep = false (inference) acts and cells are one step's scratch, overwritten every
// step, and it returns [out, h_n, c_n]. The step order is t = 0..T-1, or T-1..0 when reverse.
std::vector<at::Tensor> lstm_forward(const at::Tensor& x, const at::Tensor& h0,
                                     const at::Tensor& c0, const at::Tensor& w_ih,
                                     const at::Tensor& w_hh, const at::Tensor& bias, bool reverse,
                                     bool keep) {
  const int64_t T = x.size(0), B = x.size(1), D = x.size(2), H = h0.size(1), K = D + H;
  const auto opts = h0.options();
  at::Tensor out = at::empty({T, B, H}, opts);
  at::Tensor acts = at::empty({keep ? T : 1, B, 4 * H}, opts);
  at::Tensor cells = at::empty({keep ? T : 2, B, H}, opts);  // inference: two, used in turn
  at::Tensor w_cat_t;
  {
    const BelowAutograd below_autograd;
    w_cat_t = at::cat({w_ih, w_hh}, 1).t().contiguous();  // (D + H, 4H)
  }
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lstm_forward", [&] {
    at::parallel_for(0, B, rows_per_block(B), [&](int64_t lo, int64_t hi) {
      const BelowAutograd below_autograd;
      const int64_t n = hi - lo;
      const bool small = n <= kSmallRows;
      at::Tensor mm = at::empty({n, 4 * H}, opts);  // the step's pre-activations, less the bias
      at::Tensor xh = at::empty({n, K}, opts);  // [x_t, h_{t-1}] of this block's rows
      scalar_t* xh_p = xh.data_ptr<scalar_t>();
      const scalar_t* h_prev = h0.data_ptr<scalar_t>() + lo * H;
      const scalar_t* c_prev = c0.data_ptr<scalar_t>() + lo * H;
      const scalar_t* b_p = bias.data_ptr<scalar_t>();
      const scalar_t* x_p = x.data_ptr<scalar_t>();
      scalar_t* mm_p = mm.data_ptr<scalar_t>();
      for (int64_t s = 0; s < T; ++s) {
        const int64_t t = reverse ? T - 1 - s : s;
        for (int64_t b = 0; b < n; ++b) {  // the step's input row, then the state it enters with
          std::copy_n(x_p + (t * B + lo + b) * D, D, xh_p + b * K);
          std::copy_n(h_prev + b * H, H, xh_p + b * K + D);
        }
        if (small) {
          small_matmul(static_cast<const scalar_t*>(xh_p), w_cat_t.data_ptr<scalar_t>(), mm_p, n,
                       K, 4 * H);
        } else {
          at::mm_out(mm, xh, w_cat_t);
        }
        scalar_t* h_t = out.data_ptr<scalar_t>() + (t * B + lo) * H;
        scalar_t* c_t = cells.data_ptr<scalar_t>() + ((keep ? t : s % 2) * B + lo) * H;
        scalar_t* a_t = acts.data_ptr<scalar_t>() + ((keep ? t : 0) * B + lo) * 4 * H;
        for (int64_t b = 0; b < n; ++b) {
          forward_row<scalar_t>(mm_p + b * 4 * H, b_p, c_prev + b * H,
                                a_t + b * 4 * H, c_t + b * H, h_t + b * H, H);
        }
        h_prev = h_t;
        c_prev = c_t;
      }
    });
  });
  if (keep) return {out, acts, cells};
  const int64_t last = reverse ? 0 : T - 1;
  return {out, out[last].clone(), cells[(T - 1) % 2].clone()};
}

// Backward through time. dout (T, B, H) is the gradient of out; dh_n, dc_n of the final states;
// acts, cells, c0 what the forward kept. Returns [dpre (T, B, 4H), dh0, dc0]: the weight and input
// gradients are matmuls over all steps at once, done by the caller from dpre. Blocks of rows run
// in parallel, as in the forward.
std::vector<at::Tensor> lstm_backward(const at::Tensor& dout, const at::Tensor& dh_n,
                                      const at::Tensor& dc_n, const at::Tensor& acts,
                                      const at::Tensor& cells, const at::Tensor& c0,
                                      const at::Tensor& w_hh, bool reverse) {
  const int64_t T = acts.size(0), B = acts.size(1), H = c0.size(1);
  at::Tensor dpre = at::empty({T, B, 4 * H}, acts.options());
  at::Tensor dh_next = dh_n.clone();  // the gradient reaching h_t from step t+1 (or from h_n)
  at::Tensor dc = dc_n.clone();       // the gradient reaching c_t, updated step by step
  AT_DISPATCH_FLOATING_TYPES(acts.scalar_type(), "lstm_backward", [&] {
    at::parallel_for(0, B, rows_per_block(B), [&](int64_t lo, int64_t hi) {
      const BelowAutograd below_autograd;
      const int64_t n = hi - lo;
      const bool small = n <= kSmallRows;
      at::Tensor dh_block = dh_next.narrow(0, lo, n);
      scalar_t* dh_p = dh_block.data_ptr<scalar_t>();
      scalar_t* dc_p = dc.data_ptr<scalar_t>() + lo * H;
      for (int64_t s = 0; s < T; ++s) {
        const int64_t t = reverse ? s : T - 1 - s;  // the forward's steps, last first
        const bool first = reverse ? t == T - 1 : t == 0;  // the step whose c_{t-1} is c0
        const scalar_t* cp_p = first ? c0.data_ptr<scalar_t>() + lo * H
                                     : cells.data_ptr<scalar_t>() +
                                           ((reverse ? t + 1 : t - 1) * B + lo) * H;
        const scalar_t* a_p = acts.data_ptr<scalar_t>() + (t * B + lo) * 4 * H;
        const scalar_t* c_p = cells.data_ptr<scalar_t>() + (t * B + lo) * H;
        const scalar_t* do_p = dout.data_ptr<scalar_t>() + (t * B + lo) * H;
        scalar_t* dp_p = dpre.data_ptr<scalar_t>() + (t * B + lo) * 4 * H;
        for (int64_t b = 0; b < n; ++b) {
          backward_row<scalar_t>(a_p + b * 4 * H, c_p + b * H, cp_p + b * H, do_p + b * H,
                                 dh_p + b * H, dc_p + b * H, dp_p + b * 4 * H, H);
        }
        // Into h_{t-1}: dpre_t (n, 4H) @ W_hh (4H, H).
        if (small) {
          small_matmul(static_cast<const scalar_t*>(dp_p), w_hh.data_ptr<scalar_t>(), dh_p, n,
                       4 * H, H);
        } else {
          at::mm_out(dh_block, dpre[t].narrow(0, lo, n), w_hh);
        }
      }
    });
  });
  return {dpre, dh_next, dc};
}

// GRU forward over the sequence. xproj (T, B, 3H) = x W_ih^T + b_ih for every step; w_hh (3H, H);
// b_hh (3H,). With keep = true returns [out, hw (T, B, 3H), acts (T, B, 3H)], the tensors
// fused.py's GRU backward reads; with keep = false [out, h_n].
std::vector<at::Tensor> gru_forward(const at::Tensor& xproj, const at::Tensor& h0,
                                    const at::Tensor& w_hh, const at::Tensor& b_hh, bool reverse,
                                    bool keep) {
  const int64_t T = xproj.size(0), B = xproj.size(1), H = h0.size(1);
  const auto opts = h0.options();
  at::Tensor out = at::empty({T, B, H}, opts);
  at::Tensor hw = at::empty({keep ? T : 1, B, 3 * H}, opts);
  at::Tensor acts = at::empty({keep ? T : 1, B, 3 * H}, opts);
  const at::Tensor w_hh_t = w_hh.t();
  AT_DISPATCH_FLOATING_TYPES(xproj.scalar_type(), "gru_forward", [&] {
    at::parallel_for(0, B, rows_per_block(B), [&](int64_t lo, int64_t hi) {
      const BelowAutograd below_autograd;
      const int64_t n = hi - lo;
      const bool small = n <= kSmallRows;
      const at::Tensor w_rows = small ? w_hh_t.contiguous() : w_hh_t;  // (H, 3H)
      at::Tensor mm = at::empty({n, 3 * H}, opts);
      at::Tensor h = h0.narrow(0, lo, n);
      const scalar_t* h_prev = h0.data_ptr<scalar_t>() + lo * H;
      const scalar_t* bias = b_hh.data_ptr<scalar_t>();
      scalar_t* mm_p = mm.data_ptr<scalar_t>();
      for (int64_t s = 0; s < T; ++s) {
        const int64_t t = reverse ? T - 1 - s : s;
        if (small) {
          small_matmul(h_prev, w_rows.data_ptr<scalar_t>(), mm_p, n, H, 3 * H);
        } else {
          at::mm_out(mm, h, w_hh_t);
          h = out[t].narrow(0, lo, n);
        }
        scalar_t* h_t = out.data_ptr<scalar_t>() + (t * B + lo) * H;
        scalar_t* hw_t = hw.data_ptr<scalar_t>() + ((keep ? t : 0) * B + lo) * 3 * H;
        scalar_t* a_t = acts.data_ptr<scalar_t>() + ((keep ? t : 0) * B + lo) * 3 * H;
        const scalar_t* xp_t = xproj.data_ptr<scalar_t>() + (t * B + lo) * 3 * H;
        for (int64_t b = 0; b < n; ++b) {
          gru_forward_row<scalar_t>(mm_p + b * 3 * H, bias, xp_t + b * 3 * H, h_prev + b * H,
                                    hw_t + b * 3 * H, a_t + b * 3 * H, h_t + b * H, H);
        }
        h_prev = h_t;
      }
    });
  });
  if (keep) return {out, hw, acts};
  return {out, out[reverse ? 0 : T - 1].clone()};
}

}  // namespace

// torch.ops.lstmcourse.lstm_forward / lstm_backward / gru_forward, for CPU tensors. native.py calls them inside
// its autograd.Function (or under no_grad): autograd never sees inside them.
TORCH_LIBRARY(lstmcourse, m) {
  m.def(
      "lstm_forward(Tensor x, Tensor h0, Tensor c0, Tensor w_ih, Tensor w_hh, Tensor bias,"
      " bool reverse, bool keep) -> Tensor[]");
  m.def(
      "lstm_backward(Tensor dout, Tensor dh_n, Tensor dc_n, Tensor acts, Tensor cells,"
      " Tensor c0, Tensor w_hh, bool reverse) -> Tensor[]");
  m.def(
      "gru_forward(Tensor xproj, Tensor h0, Tensor w_hh, Tensor b_hh, bool reverse, bool keep)"
      " -> Tensor[]");
}

TORCH_LIBRARY_IMPL(lstmcourse, CPU, m) {
  m.impl("lstm_forward", &lstm_forward);
  m.impl("lstm_backward", &lstm_backward);
  m.impl("gru_forward", &gru_forward);
}
