// The benchmark's oneDNN peer: RnnGen's peer workload (the one torch_peer.py runs in PyTorch) on oneDNN's CPU RNN
// primitives, timed. The strongest CPU implementation of these layers we know of: its RNN kernels are JIT-compiled for
// the CPU's instruction set at run time.
//
// Workload (bench/RnnGen.Benchmarks/PeerModels.cs, torch_peer.py): time-major x [T, B, I] -> one LSTM / GRU
// (PyTorch's GRU, which is oneDNN's "linear before reset" lbr_gru) / tanh RNN layer of H units -> Linear(H, C) head ->
// softmax cross-entropy summed over the steps, averaged over the batch.
//   forward: forward_inference RNN + head + softmax probabilities.
//   train:   zero-grad, forward_training RNN (keeps the workspace), head, softmax, loss, backward through the head and
//            the RNN (weights and biases), clip to global norm 5, SGD lr 0.01 -- torch_peer.py's train_step.
// Parameters keep PyTorch's semantics: two bias vectors b_ih and b_hh (the primitive takes their sum; the GRU's n gate
// keeps b_in and b_hn apart, lbr_gru's fourth bias), so the global norm and the update are exactly PyTorch's.
// check_onednn.py compares the forward, the loss, every gradient and two updates against PyTorch.
//
// Weight layouts. Every RNN weight descriptor is format_tag::any: the primitives choose.
//   forward timing: the inference primitive's weights are reordered once at setup (they do not change), so only the
//     steady-state inference pass is timed.
//   train timing: the master weights live in the forward_training primitive's own layout (plain ldigo as a fallback
//     if that layout is opaque); SGD runs on that layout. Every step pays, inside the timed region, each reorder a
//     real training loop needs: master -> backward primitive's weights layout (if it differs), and the backward
//     primitive's diff-weights layout -> master layout (if it differs). The bias sum b_ih + b_hh is refolded each
//     step. oneDNN's RNN backward accumulates into the diff weights and biases, so they are zeroed each step (the
//     zero-grad). It also always computes diff_src_layer (the input gradient), which this workload does not need:
//     oneDNN has no way to skip it.
//   Training passes the zero initial state explicitly: see state_md() for the oneDNN bug an omitted src_iter triggers
//   in LSTM and vanilla RNN backward.
//
// Usage: onednn_peer --cell lstm|gru|rnn --input 65 --hidden 128 --steps 32 --batch 1 [--classes 65] [--threads 1]
//            [--reps 30]
// Prints one JSON line like torch_peer.py (median milliseconds of forward_ms and train_ms, forward_flops as the
// benchmark counts them, peak_rss_mb) plus "isa" (oneDNN's effective ISA) and "impl" / "impl_train" (the primitive
// implementations oneDNN chose).
// Check mode (used by check_onednn.py): --check-in params.bin --check-out result.bin reads PyTorch-layout parameters,
// x and y; writes the probabilities, two train steps' losses, step 1's gradients and the parameters after steps 1 and
// 2, all in PyTorch's layout and gate order.
// Build: sh bench/peers/build-onednn.sh (g++ -O3 -march=native -std=c++17 onednn_peer.cpp -ldnnl; oneDNN 2.6 from
// Debian's libdnnl-dev). Threads: Debian's oneDNN uses OpenMP; --threads sets omp_set_num_threads (looked up in the
// libgomp that libdnnl loads) and OMP_NUM_THREADS.

#include <oneapi/dnnl/dnnl.hpp>

#include <dlfcn.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

struct Args {
    std::string cell = "lstm";
    int I = 65, H = 128, T = 32, B = 1, C = 0, threads = 1, reps = 30;
    std::string check_in, check_out;
};

Args parse(int argc, char **argv) {
    Args a;
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error("missing value for " + k);
            return argv[++i];
        };
        if (k == "--cell") a.cell = val();
        else if (k == "--input") a.I = std::stoi(val());
        else if (k == "--hidden") a.H = std::stoi(val());
        else if (k == "--steps") a.T = std::stoi(val());
        else if (k == "--batch") a.B = std::stoi(val());
        else if (k == "--classes") a.C = std::stoi(val());
        else if (k == "--threads") a.threads = std::stoi(val());
        else if (k == "--reps") a.reps = std::stoi(val());
        else if (k == "--check-in") a.check_in = val();
        else if (k == "--check-out") a.check_out = val();
        else throw std::runtime_error("unknown argument " + k);
    }
    if (a.cell != "lstm" && a.cell != "gru" && a.cell != "rnn")
        throw std::runtime_error("--cell must be lstm, gru or rnn");
    if (a.C <= 0) a.C = a.I;
    if (a.reps < 1) a.reps = 1;
    return a;
}

void set_threads(int n) {
    setenv("OMP_NUM_THREADS", std::to_string(n).c_str(), 1);
    // libgomp read OMP_NUM_THREADS when it loaded (before main), so set it through the API too.
    // It is libdnnl's dependency, not ours: find it at run time rather than link -fopenmp.
    using fn = void (*)(int);
    auto f = reinterpret_cast<fn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    if (!f) throw std::runtime_error("omp_set_num_threads not found (oneDNN not built with OpenMP?)");
    f(n);
}

int omp_max_threads() {
    using fn = int (*)();
    auto f = reinterpret_cast<fn>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
    return f ? f() : -1;
}

const char *isa_name(cpu_isa isa) {
    switch (isa) {
        case cpu_isa::all: return "all";
        case cpu_isa::sse41: return "sse41";
        case cpu_isa::avx: return "avx";
        case cpu_isa::avx2: return "avx2";
        case cpu_isa::avx512_mic: return "avx512_mic";
        case cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
        case cpu_isa::avx512_core: return "avx512_core";
        case cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case cpu_isa::avx512_core_amx: return "avx512_core_amx";
        case cpu_isa::avx2_vnni: return "avx2_vnni";
    }
    return "unknown";
}

float *ptr(const memory &m) { return static_cast<float *>(m.get_data_handle()); }
size_t nfloats(const memory &m) { return m.get_desc().get_size() / sizeof(float); }

struct Peer {
    Args a;
    int I, H, T, B, C, N;  // N = T * B rows
    int G;                 // gates in the weights (lstm 4, gru 3, rnn 1)
    int GB;                // gates in oneDNN's bias (lbr gru 4)
    engine eng{engine::kind::cpu, 0};
    stream s{eng};

    // Parameters, PyTorch semantics, oneDNN gate order (GRU: z, r, n; PyTorch stores r, z, n).
    memory user_wl, user_wi;                 // ldgoi = PyTorch's [G*H, I] / [G*H, H]: import/export
    memory m_wl, m_wi;                       // master weights (layout: see header)
    std::vector<float> b_ih, b_hh;           // [G*H]
    std::vector<float> head_w, head_b;       // [C, H], [C]
    std::vector<float> x;                    // [T, B, I]
    std::vector<int> y;                      // [T, B]

    // Inference.
    rnn_primitive_desc_base inf_pd;
    primitive inf_rnn;
    memory inf_wl, inf_wi, bias;             // bias: ldgo [1,1,GB,H], shared with training
    memory src, dst;                         // x (tnc), RNN output [T, B, H]
    memory logits, probs;                    // [N, C]
    matmul head_fwd;
    softmax_forward softmax;

    // Training.
    rnn_primitive_desc_base fwd_pd, bwd_pd;
    primitive fwd_rnn, bwd_rnn;
    memory fwd_wl, fwd_wi;                   // = master unless the layouts differ
    memory bwd_wl, bwd_wi;                   // backward's weights layout (reordered each step)
    memory diff_wl, diff_wi, diff_bias;      // backward's diff layouts
    memory g_wl, g_wi;                       // grads in master layout (= diff_* if same)
    memory workspace, diff_src, diff_dst;    // diff_dst = d(out) [T, B, H]
    memory h0, c0, diff_h0, diff_c0;         // zero initial state; its (unused) gradient
    std::vector<float> g_head_w, g_head_b;
    matmul head_dw, head_dx;
    memory hv_wT, hv_b, hv_out, hv_dlT, hv_dl, hv_w, hv_gw, hv_dout;  // views on the buffers above
    std::vector<std::function<void()>> pre_reorders, post_reorders;
    double last_loss = 0;

    explicit Peer(const Args &args) : a(args) {
        I = a.I; H = a.H; T = a.T; B = a.B; C = a.C; N = T * B;
        G = a.cell == "lstm" ? 4 : a.cell == "gru" ? 3 : 1;
        GB = a.cell == "lstm" ? 4 : a.cell == "gru" ? 4 : 1;
        b_ih.assign(G * H, 0); b_hh.assign(G * H, 0);
        head_w.assign(C * H, 0); head_b.assign(C, 0);
        x.assign(size_t(T) * B * I, 0); y.assign(N, 0);
        g_head_w.assign(C * H, 0); g_head_b.assign(C, 0);
        user_wl = memory({{1, 1, I, G, H}, dt::f32, tag::ldgoi}, eng);
        user_wi = memory({{1, 1, H, G, H}, dt::f32, tag::ldgoi}, eng);
    }

    // Same distributions as PyTorch's defaults (values do not affect the timing).
    void init_random() {
        std::mt19937 rng(0);
        float k = 1.0f / std::sqrt(float(H));
        std::uniform_real_distribution<float> u(-k, k);
        for (size_t i = 0; i < nfloats(user_wl); i++) ptr(user_wl)[i] = u(rng);
        for (size_t i = 0; i < nfloats(user_wi); i++) ptr(user_wi)[i] = u(rng);
        for (auto &v : b_ih) v = u(rng);
        for (auto &v : b_hh) v = u(rng);
        for (auto &v : head_w) v = u(rng);
        for (auto &v : head_b) v = u(rng);
        std::normal_distribution<float> nd(0, 1);
        for (auto &v : x) v = nd(rng);
        std::uniform_int_distribution<int> cls(0, C - 1);
        for (auto &v : y) v = cls(rng);
    }

    // PyTorch's gate k lives in oneDNN's gate perm(k): GRU swaps r and z.
    int perm(int k) const { return a.cell == "gru" && k < 2 ? 1 - k : k; }

    // Loads PyTorch-layout parameters (weight_ih, weight_hh, bias_ih, bias_hh, head W, head b), x, y.
    void load(const std::string &path) {
        FILE *f = fopen(path.c_str(), "rb");
        if (!f) throw std::runtime_error("cannot open " + path);
        auto rd = [&](float *p, size_t n) {
            if (fread(p, sizeof(float), n, f) != n) throw std::runtime_error("short read " + path);
        };
        auto rd_gates = [&](float *dstp, int cols) {  // [G*H, cols], gate blocks permuted
            std::vector<float> t(size_t(G) * H * cols);
            rd(t.data(), t.size());
            for (int k = 0; k < G; k++)
                std::memcpy(dstp + size_t(perm(k)) * H * cols, t.data() + size_t(k) * H * cols,
                        sizeof(float) * H * cols);
        };
        rd_gates(ptr(user_wl), I);
        rd_gates(ptr(user_wi), H);
        rd_gates(b_ih.data(), 1);
        rd_gates(b_hh.data(), 1);
        rd(head_w.data(), head_w.size());
        rd(head_b.data(), head_b.size());
        rd(x.data(), x.size());
        std::vector<float> yf(N);
        rd(yf.data(), N);
        for (int i = 0; i < N; i++) y[i] = int(yf[i]);
        fclose(f);
    }

    // Initial state h0 (and c0) for training: an explicit zero tensor, not a zero md.  oneDNN 2.6's
    // reference RNN backward (still the same code in v3.13) computes diff_weights_iter of LSTM and
    // vanilla RNN with one merged GEMM that, when src_iter is omitted, pairs the gate gradients of
    // step t with h_t instead of h_(t-1) (ref_rnn.cpp: states_iter = dst_layer_, n_iter steps), so
    // dW_hh comes out wrong; with src_iter given it splits off step 0 and is right.
    memory::desc state_md() const { return memory::desc({1, 1, B, H}, dt::f32, tag::ldnc); }

    template <class Fwd>
    typename Fwd::primitive_desc make_fwd(prop_kind pk) {
        auto any_wl = memory::desc({1, 1, I, G, H}, dt::f32, tag::any);
        auto any_wi = memory::desc({1, 1, H, G, H}, dt::f32, tag::any);
        auto bmd = memory::desc({1, 1, GB, H}, dt::f32, tag::ldgo);
        auto smd = memory::desc({T, B, I}, dt::f32, tag::tnc);
        auto dmd = memory::desc({T, B, H}, dt::f32, tag::tnc);
        memory::desc z;  // zero md: initial state 0, final state not produced
        // Training passes an explicit zero initial state (see state_md()); inference may omit it.
        memory::desc h0 = pk == prop_kind::forward_training ? state_md() : z;
        if constexpr (std::is_same_v<Fwd, lstm_forward>)
            return {{pk, rnn_direction::unidirectional_left2right, smd, h0, h0, any_wl, any_wi, bmd, dmd, z, z}, eng};
        else if constexpr (std::is_same_v<Fwd, lbr_gru_forward>)
            return {{pk, rnn_direction::unidirectional_left2right, smd, h0, any_wl, any_wi, bmd, dmd, z}, eng};
        else
            return {{pk, algorithm::eltwise_tanh, rnn_direction::unidirectional_left2right, smd, h0, any_wl,
                            any_wi, bmd, dmd, z},
                    eng};
    }

    template <class Fwd, class Bwd>
    typename Bwd::primitive_desc make_bwd(const typename Fwd::primitive_desc &hint) {
        auto any_wl = memory::desc({1, 1, I, G, H}, dt::f32, tag::any);
        auto any_wi = memory::desc({1, 1, H, G, H}, dt::f32, tag::any);
        auto bmd = memory::desc({1, 1, GB, H}, dt::f32, tag::ldgo);
        auto smd = memory::desc({T, B, I}, dt::f32, tag::tnc);
        auto dmd = memory::desc({T, B, H}, dt::f32, tag::tnc);
        memory::desc z, h0 = state_md();
        auto dir = rnn_direction::unidirectional_left2right;
        auto pk = prop_kind::backward;
        if constexpr (std::is_same_v<Bwd, lstm_backward>)
            return {{pk, dir, smd, h0, h0, any_wl, any_wi, bmd, dmd, z, z, smd, h0, h0, any_wl, any_wi, bmd, dmd, z,
                            z},
                    eng, hint};
        else if constexpr (std::is_same_v<Bwd, lbr_gru_backward>)
            return {{pk, dir, smd, h0, any_wl, any_wi, bmd, dmd, z, smd, h0, any_wl, any_wi, bmd, dmd, z}, eng, hint};
        else
            return {{pk, algorithm::eltwise_tanh, dir, smd, h0, any_wl, any_wi, bmd, dmd, z, smd, h0, any_wl,
                            any_wi, bmd, dmd, z},
                    eng, hint};
    }

    template <class Fwd, class Bwd>
    void build_rnn() {
        auto inf = make_fwd<Fwd>(prop_kind::forward_inference);
        auto fwd = make_fwd<Fwd>(prop_kind::forward_training);
        auto bwd = make_bwd<Fwd, Bwd>(fwd);
        inf_pd = inf; fwd_pd = fwd; bwd_pd = bwd;
        inf_rnn = Fwd(inf); fwd_rnn = Fwd(fwd); bwd_rnn = Bwd(bwd);
    }

    static bool opaque(const memory::desc &md) { return md.data.format_kind != dnnl_blocked; }

    // Memory `src_mem` in `md`'s layout: the same object when the layouts agree, else a new
    // buffer filled by a reorder that is (if `each_step`) queued to run every train step.
    memory follow(const memory &src_mem, const memory::desc &md, std::vector<std::function<void()>> *each_step) {
        if (src_mem.get_desc() == md) return src_mem;
        memory m(md, eng);
        reorder r(src_mem, m);
        r.execute(s, const_cast<memory &>(src_mem), m);
        if (each_step) {
            memory sm = src_mem;
            each_step->push_back([this, r, sm, m]() mutable { r.execute(s, sm, m); });
        }
        return m;
    }

    void setup() {
        if (a.cell == "lstm") build_rnn<lstm_forward, lstm_backward>();
        else if (a.cell == "gru") build_rnn<lbr_gru_forward, lbr_gru_backward>();
        else build_rnn<vanilla_rnn_forward, vanilla_rnn_backward>();

        // Master weights: the forward_training primitive's own layout (plain ldigo if opaque).
        auto wl_md = fwd_pd.weights_layer_desc(), wi_md = fwd_pd.weights_iter_desc();
        if (opaque(wl_md)) wl_md = memory::desc({1, 1, I, G, H}, dt::f32, tag::ldigo);
        if (opaque(wi_md)) wi_md = memory::desc({1, 1, H, G, H}, dt::f32, tag::ldigo);
        m_wl = memory(wl_md, eng); m_wi = memory(wi_md, eng);
        reorder(user_wl, m_wl).execute(s, user_wl, m_wl);
        reorder(user_wi, m_wi).execute(s, user_wi, m_wi);

        // Inference weights: reordered once.
        inf_wl = follow(m_wl, inf_pd.weights_layer_desc(), nullptr);
        inf_wi = follow(m_wi, inf_pd.weights_iter_desc(), nullptr);
        // Training: master -> forward / backward layouts each step where they differ.
        fwd_wl = follow(m_wl, fwd_pd.weights_layer_desc(), &pre_reorders);
        fwd_wi = follow(m_wi, fwd_pd.weights_iter_desc(), &pre_reorders);
        bwd_wl = follow(m_wl, bwd_pd.weights_layer_desc(), &pre_reorders);
        bwd_wi = follow(m_wi, bwd_pd.weights_iter_desc(), &pre_reorders);
        diff_wl = memory(bwd_pd.diff_weights_layer_desc(), eng);
        diff_wi = memory(bwd_pd.diff_weights_iter_desc(), eng);
        diff_bias = memory(bwd_pd.diff_bias_desc(), eng);
        if (diff_wl.get_desc() == m_wl.get_desc()) g_wl = diff_wl;
        else { g_wl = memory(m_wl.get_desc(), eng); post_reorders.push_back(make_step_reorder(diff_wl, g_wl)); }
        if (diff_wi.get_desc() == m_wi.get_desc()) g_wi = diff_wi;
        else { g_wi = memory(m_wi.get_desc(), eng); post_reorders.push_back(make_step_reorder(diff_wi, g_wi)); }

        bias = memory(fwd_pd.bias_desc(), eng);
        fold_bias();
        if (!(inf_pd.bias_desc() == bias.get_desc()) || !(bwd_pd.bias_desc() == bias.get_desc()))
            throw std::runtime_error("unexpected bias layout");
        src = memory(fwd_pd.src_layer_desc(), eng, x.data());
        dst = memory(fwd_pd.dst_layer_desc(), eng);
        workspace = memory(fwd_pd.workspace_desc(), eng);
        diff_src = memory(bwd_pd.diff_src_layer_desc(), eng);
        diff_dst = memory(bwd_pd.diff_dst_layer_desc(), eng);
        h0 = memory(state_md(), eng); c0 = memory(state_md(), eng);
        diff_h0 = memory(state_md(), eng); diff_c0 = memory(state_md(), eng);
        for (memory *m : {&h0, &c0, &diff_h0, &diff_c0}) std::memset(ptr(*m), 0, m->get_desc().get_size());
        if (!(inf_pd.dst_layer_desc() == dst.get_desc()) || !(bwd_pd.diff_dst_layer_desc() == dst.get_desc()))
            throw std::runtime_error("unexpected data layout");

        // Head: logits[N, C] = out[N, H] . W^T + b, W stored [C, H] (PyTorch's Linear).
        auto out_md = memory::desc({N, H}, dt::f32, tag::ab);
        auto wT_md = memory::desc({H, C}, dt::f32, tag::ba);
        auto hb_md = memory::desc({1, C}, dt::f32, tag::ab);
        auto lg_md = memory::desc({N, C}, dt::f32, tag::ab);
        head_fwd = matmul(matmul::primitive_desc(matmul::desc(out_md, wT_md, hb_md, lg_md), eng));
        softmax = softmax_forward(
                softmax_forward::primitive_desc(softmax_forward::desc(prop_kind::forward_inference, lg_md, 1), eng));
        logits = memory(lg_md, eng);
        probs = memory(lg_md, eng);
        // dW[C, H] = dlogits^T . out ; d_out[N, H] = dlogits . W
        head_dw = matmul(matmul::primitive_desc(matmul::desc(memory::desc({C, N}, dt::f32, tag::ba), out_md,
                                                          memory::desc({C, H}, dt::f32, tag::ab)),
                eng));
        head_dx = matmul(matmul::primitive_desc(
                matmul::desc(lg_md, memory::desc({C, H}, dt::f32, tag::ab), out_md), eng));
        hv_wT = memory(wT_md, eng, head_w.data());
        hv_b = memory(hb_md, eng, head_b.data());
        hv_out = memory(out_md, eng, dst.get_data_handle());
        hv_dlT = memory({{C, N}, dt::f32, tag::ba}, eng, probs.get_data_handle());
        hv_dl = memory(lg_md, eng, probs.get_data_handle());
        hv_w = memory({{C, H}, dt::f32, tag::ab}, eng, head_w.data());
        hv_gw = memory({{C, H}, dt::f32, tag::ab}, eng, g_head_w.data());
        hv_dout = memory(out_md, eng, diff_dst.get_data_handle());
        s.wait();
    }

    std::function<void()> make_step_reorder(const memory &from, const memory &to) {
        reorder r(from, to);
        memory f = from, t = to;
        return [this, r, f, t]() mutable { r.execute(s, f, t); };
    }

    // oneDNN takes one bias per gate: b_ih + b_hh (lbr GRU: [z, r, b_in, b_hn]).
    void fold_bias() {
        float *b = ptr(bias);
        if (a.cell == "gru") {
            for (int i = 0; i < 2 * H; i++) b[i] = b_ih[i] + b_hh[i];
            for (int i = 0; i < H; i++) { b[2 * H + i] = b_ih[2 * H + i]; b[3 * H + i] = b_hh[2 * H + i]; }
        } else {
            for (int i = 0; i < G * H; i++) b[i] = b_ih[i] + b_hh[i];
        }
    }

    // Gradient of b_ih / b_hh from oneDNN's diff bias (lstm, rnn: both get it; GRU n gate splits).
    float db_ih(int i) const { return ptr(diff_bias)[i]; }
    float db_hh(int i) const {
        return a.cell == "gru" && i >= 2 * H ? ptr(diff_bias)[i + H] : ptr(diff_bias)[i];
    }

    void head_forward() {  // RNN output in dst
        head_fwd.execute(s, {{DNNL_ARG_SRC, hv_out}, {DNNL_ARG_WEIGHTS, hv_wT}, {DNNL_ARG_BIAS, hv_b},
                                    {DNNL_ARG_DST, logits}});
        softmax.execute(s, {{DNNL_ARG_SRC, logits}, {DNNL_ARG_DST, probs}});
    }

    void forward() {
        inf_rnn.execute(s, {{DNNL_ARG_SRC_LAYER, src}, {DNNL_ARG_WEIGHTS_LAYER, inf_wl},
                                   {DNNL_ARG_WEIGHTS_ITER, inf_wi}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST_LAYER, dst}});
        head_forward();
        s.wait();
    }

    void train() {
        // zero-grad (oneDNN's RNN backward accumulates into its diff weights and bias)
        std::memset(ptr(diff_wl), 0, diff_wl.get_desc().get_size());
        std::memset(ptr(diff_wi), 0, diff_wi.get_desc().get_size());
        std::memset(ptr(diff_bias), 0, diff_bias.get_desc().get_size());
        fold_bias();
        for (auto &r : pre_reorders) r();  // master -> primitive layouts where they differ
        std::unordered_map<int, memory> fa{{DNNL_ARG_SRC_LAYER, src}, {DNNL_ARG_SRC_ITER, h0},
                {DNNL_ARG_WEIGHTS_LAYER, fwd_wl}, {DNNL_ARG_WEIGHTS_ITER, fwd_wi}, {DNNL_ARG_BIAS, bias},
                {DNNL_ARG_DST_LAYER, dst}, {DNNL_ARG_WORKSPACE, workspace}};
        if (G == 4) fa.insert({DNNL_ARG_SRC_ITER_C, c0});
        fwd_rnn.execute(s, fa);
        head_forward();
        s.wait();

        // softmax cross-entropy: loss = -sum log p[y] / B ; dlogits = (p - onehot) / B (in probs)
        float *p = ptr(probs), *lg = ptr(logits);
        double loss = 0;
        const float invB = 1.0f / B;
        for (int r = 0; r < N; r++) {
            float *pr = p + size_t(r) * C;
            float py = pr[y[r]];
            if (py > 1e-30f) loss -= std::log(double(py));
            else {  // underflow: log-sum-exp from the logits
                const float *l = lg + size_t(r) * C;
                double m = *std::max_element(l, l + C), se = 0;
                for (int c = 0; c < C; c++) se += std::exp(double(l[c]) - m);
                loss -= double(l[y[r]]) - m - std::log(se);
            }
            for (int c = 0; c < C; c++) pr[c] *= invB;
            pr[y[r]] -= invB;
        }
        last_loss = loss / B;

        // head backward
        head_dw.execute(s, {{DNNL_ARG_SRC, hv_dlT}, {DNNL_ARG_WEIGHTS, hv_out}, {DNNL_ARG_DST, hv_gw}});
        head_dx.execute(s, {{DNNL_ARG_SRC, hv_dl}, {DNNL_ARG_WEIGHTS, hv_w}, {DNNL_ARG_DST, hv_dout}});
        std::fill(g_head_b.begin(), g_head_b.end(), 0.0f);
        for (int r = 0; r < N; r++)
            for (int c = 0; c < C; c++) g_head_b[c] += p[size_t(r) * C + c];

        // RNN backward
        std::unordered_map<int, memory> ba{{DNNL_ARG_SRC_LAYER, src}, {DNNL_ARG_SRC_ITER, h0},
                {DNNL_ARG_WEIGHTS_LAYER, bwd_wl}, {DNNL_ARG_WEIGHTS_ITER, bwd_wi}, {DNNL_ARG_BIAS, bias},
                {DNNL_ARG_DST_LAYER, dst}, {DNNL_ARG_DIFF_DST_LAYER, diff_dst}, {DNNL_ARG_WORKSPACE, workspace},
                {DNNL_ARG_DIFF_SRC_LAYER, diff_src}, {DNNL_ARG_DIFF_SRC_ITER, diff_h0},
                {DNNL_ARG_DIFF_WEIGHTS_LAYER, diff_wl}, {DNNL_ARG_DIFF_WEIGHTS_ITER, diff_wi},
                {DNNL_ARG_DIFF_BIAS, diff_bias}};
        if (G == 4) { ba.insert({DNNL_ARG_SRC_ITER_C, c0}); ba.insert({DNNL_ARG_DIFF_SRC_ITER_C, diff_c0}); }
        bwd_rnn.execute(s, ba);
        for (auto &r : post_reorders) r();  // diff layouts -> master layout where they differ
        s.wait();

        // clip to global norm 5 (PyTorch: coef = 5 / (norm + 1e-6), clamped to 1), SGD lr 0.01
        double ss = 0;
        auto acc = [&](const float *g, size_t n) {
            for (size_t i = 0; i < n; i++) ss += double(g[i]) * g[i];
        };
        acc(ptr(g_wl), nfloats(g_wl));
        acc(ptr(g_wi), nfloats(g_wi));
        for (int i = 0; i < G * H; i++) ss += double(db_ih(i)) * db_ih(i) + double(db_hh(i)) * db_hh(i);
        acc(g_head_w.data(), g_head_w.size());
        acc(g_head_b.data(), g_head_b.size());
        double coef = std::min(1.0, 5.0 / (std::sqrt(ss) + 1e-6));
        const float step = float(0.01 * coef);
        auto sgd = [&](float *w, const float *g, size_t n) {
            for (size_t i = 0; i < n; i++) w[i] -= step * g[i];
        };
        sgd(ptr(m_wl), ptr(g_wl), nfloats(m_wl));
        sgd(ptr(m_wi), ptr(g_wi), nfloats(m_wi));
        for (int i = 0; i < G * H; i++) { b_ih[i] -= step * db_ih(i); b_hh[i] -= step * db_hh(i); }
        sgd(head_w.data(), g_head_w.data(), head_w.size());
        sgd(head_b.data(), g_head_b.data(), head_b.size());
    }

    // ---- check mode: export in PyTorch layout and gate order ----
    void put_gates(std::vector<float> &out, const float *src_onednn, int cols) const {
        for (int k = 0; k < G; k++)
            out.insert(out.end(), src_onednn + size_t(perm(k)) * H * cols, src_onednn + size_t(perm(k) + 1) * H * cols);
    }
    void put_weights(std::vector<float> &out, const memory &m, int in) {
        memory u({{1, 1, in, G, H}, dt::f32, tag::ldgoi}, eng);
        reorder(m, u).execute(s, const_cast<memory &>(m), u);
        s.wait();
        put_gates(out, ptr(u), in);
    }
    void put_params(std::vector<float> &out) {
        put_weights(out, m_wl, I);
        put_weights(out, m_wi, H);
        put_gates(out, b_ih.data(), 1);
        put_gates(out, b_hh.data(), 1);
        out.insert(out.end(), head_w.begin(), head_w.end());
        out.insert(out.end(), head_b.begin(), head_b.end());
    }
    void put_grads(std::vector<float> &out) {
        put_weights(out, g_wl, I);
        put_weights(out, g_wi, H);
        std::vector<float> gi(G * H), gh(G * H);
        for (int i = 0; i < G * H; i++) { gi[i] = db_ih(i); gh[i] = db_hh(i); }
        put_gates(out, gi.data(), 1);
        put_gates(out, gh.data(), 1);
        out.insert(out.end(), g_head_w.begin(), g_head_w.end());
        out.insert(out.end(), g_head_b.begin(), g_head_b.end());
    }
};

double median_ms(int reps, const std::function<void()> &f) {
    for (int i = 0; i < 3; i++) f();
    std::vector<double> ts;
    for (int i = 0; i < reps; i++) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        ts.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ts.begin(), ts.end());
    return ts[ts.size() / 2];
}

std::string json_escape(const std::string &s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) o += c;
    }
    return o;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        Args a = parse(argc, argv);
        set_threads(a.threads);
        Peer p(a);
        if (!a.check_in.empty()) p.load(a.check_in);
        else p.init_random();
        p.setup();

        if (!a.check_in.empty()) {
            // probs (forward inference), loss 1, step-1 grads, params after step 1, loss 2, params after step 2
            std::vector<float> out;
            p.forward();
            out.insert(out.end(), ptr(p.probs), ptr(p.probs) + size_t(p.N) * p.C);
            p.train();
            out.push_back(float(p.last_loss));
            p.put_grads(out);
            p.put_params(out);
            p.train();
            out.push_back(float(p.last_loss));
            p.put_params(out);
            FILE *f = fopen(a.check_out.c_str(), "wb");
            if (!f || fwrite(out.data(), sizeof(float), out.size(), f) != out.size())
                throw std::runtime_error("cannot write " + a.check_out);
            fclose(f);
            printf("{\"check\": \"%s\", \"impl\": \"%s\", \"floats\": %zu}\n", a.check_out.c_str(),
                    json_escape(p.inf_pd.impl_info_str()).c_str(), out.size());
            return 0;
        }

        double fwd_ms = median_ms(a.reps, [&] { p.forward(); });
        double train_ms = median_ms(a.reps, [&] { p.train(); });
        double flops = double(a.T) * a.B * (2.0 * p.G * a.H * (a.I + a.H) + 2.0 * a.H * a.C);
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        const dnnl_version_t *v = dnnl::version();
        std::string impl_train = std::string(p.fwd_pd.impl_info_str()) + " / " + p.bwd_pd.impl_info_str();
        printf("{\"peer\": \"onednn %d.%d.%d\", \"cell\": \"%s\", \"input\": %d, \"hidden\": %d, \"steps\": %d, "
               "\"batch\": %d, \"classes\": %d, \"threads\": %d, \"forward_ms\": %.6f, \"train_ms\": %.6f, "
               "\"forward_flops\": %.0f, \"peak_rss_mb\": %.3f, \"isa\": \"%s\", \"impl\": \"%s\", "
               "\"impl_train\": \"%s\", \"omp_max_threads\": %d, \"train_weight_reorders\": %zu}\n",
                v->major, v->minor, v->patch, a.cell.c_str(), a.I, a.H, a.T, a.B, a.C, a.threads, fwd_ms, train_ms,
                flops, ru.ru_maxrss / 1024.0, isa_name(get_effective_cpu_isa()),
                json_escape(p.inf_pd.impl_info_str()).c_str(), json_escape(impl_train).c_str(), omp_max_threads(),
                p.pre_reorders.size() + p.post_reorders.size());
        return 0;
    } catch (const dnnl::error &e) {
        fprintf(stderr, "oneDNN error: %s (status %d)\n", e.what(), int(e.status));
        return 2;
    } catch (const std::exception &e) {
        fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
}
