"""Attention as PyTorch has it: ``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention``.

Attention(Q, K, V) = softmax(Q Kᵀ · scale + mask) V, with scale = 1/√d_k (Vaswani et al., 2017).
Everything is built from differentiable Tensor ops (``matmul``, ``softmax``, ``masked_fill``,
``reshape``, ``permute``), so gradients, ``create_graph`` and every backend work without special code.

Masks follow PyTorch, whose conventions differ by function: in ``scaled_dot_product_attention`` a
boolean ``attn_mask`` is True where a query *may* attend; in ``MultiheadAttention`` a boolean
``attn_mask`` or ``key_padding_mask`` is True where it may *not*. A float mask is added to the
scores in both. A query row whose keys are all masked gives zeros from
``scaled_dot_product_attention`` (torch's "safe softmax"), and NaN from ``MultiheadAttention`` with
``need_weights=True`` (torch's plain softmax there); both as torch 2.13 does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import DType, Tensor, arange, cat, zeros
from . import functional as F  # attribute look-ups only at call time: functional imports this module
from . import init as initializers
from .layers import Linear
from .module import Module, Parameter

__all__ = ["MultiheadAttention", "scaled_dot_product_attention"]

NEG_INF = float("-inf")


# -- the attention product ----------------------------------------------------------------------


def _check_input(owner: str, name: str, value: Any, like: Tensor | None = None) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{owner}: {name} must be a Tensor, got {type(value).__name__}")
    if value.dtype.kind != "f":
        raise TypeError(f"{owner}: {name} must be floating point, got {value.dtype}")
    if like is not None and value.dtype != like.dtype:
        raise TypeError(
            f"{owner}: {name} has dtype {value.dtype} but {like.dtype} was expected; tensors are never "
            "upcast silently, convert with .astype()"
        )
    if like is not None and value.device != like.device:
        raise RuntimeError(f"{owner}: {name} is on {value.device} but {like.device} was expected")
    return value


def additive_mask(mask: Any, like: Tensor, owner: str, name: str, true_means_masked: bool) -> Tensor:
    """``mask`` as a float tensor added to the scores: a boolean mask becomes 0 where a position
    takes part and −∞ where it is masked; a float mask is used as it is (PyTorch's rule)."""
    if not isinstance(mask, Tensor):
        raise TypeError(f"{owner}: {name} must be a Tensor, got {type(mask).__name__}")
    if mask.device != like.device:
        raise RuntimeError(f"{owner}: {name} is on {mask.device} but the query on {like.device}")
    if mask.dtype == np.bool_:
        masked = mask if true_means_masked else ~mask
        return zeros(*mask.shape, dtype=like.dtype, device=like.device).masked_fill(masked, NEG_INF)
    if mask.dtype.kind != "f":
        raise TypeError(f"{owner}: {name} must be boolean or floating point, got {mask.dtype}")
    if mask.dtype != like.dtype:
        raise TypeError(
            f"{owner}: {name} has dtype {mask.dtype} but the query {like.dtype}; tensors are never "
            "upcast silently, convert with .astype()"
        )
    return mask


def causal_mask(query_length: int, key_length: int, device: str) -> Tensor:
    """True where query i may attend key j, j ≤ i (aligned at the top left, as PyTorch's tril)."""
    rows = arange(query_length, device=device).reshape(-1, 1)
    return rows >= arange(key_length, device=device).reshape(1, -1)


def attend(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    bias: Tensor | None,
    scale: float,
    dropout_p: float,
    zero_masked_rows: bool,
) -> tuple[Tensor, Tensor]:
    """(softmax(Q Kᵀ · scale + bias) V, the weights). With ``zero_masked_rows`` a row whose scores are
    all −∞ gets weights 0 (torch's safe softmax) instead of NaN: its scores are set to 0 before the
    softmax, so no NaN reaches the gradient either."""
    scores = (query @ key.transpose(-2, -1)) * scale
    if bias is not None:
        scores = scores + bias
    if zero_masked_rows:
        masked_row = (scores == NEG_INF).all(dim=-1, keepdim=True)
        weights = scores.masked_fill(masked_row, 0.0).softmax(dim=-1).masked_fill(masked_row, 0.0)
    else:
        weights = scores.softmax(dim=-1)
    if dropout_p > 0:
        weights = F.dropout(weights, dropout_p)
    return weights @ value, weights


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(Q Kᵀ · scale + mask) V over the last two axes, as PyTorch's function of this name.

    Shapes: query (..., L, E), key (..., S, E), value (..., S, Ev) → (..., L, Ev); leading axes
    broadcast. ``attn_mask`` broadcasts to (..., L, S): boolean True = may attend, float = added.
    ``is_causal`` masks key j > query i. ``scale`` defaults to 1/√E. ``dropout_p`` drops attention
    weights whenever it is > 0 (the function has no training flag, as in torch). ``enable_gqa``
    lets key and value have fewer heads (axis −3) than the query, each shared by a group of
    query heads (grouped-query attention, Ainslie et al., 2023). Fully masked rows give zeros.
    """
    owner = "scaled_dot_product_attention"
    _check_input(owner, "query", query)
    _check_input(owner, "key", key, query)
    _check_input(owner, "value", value, query)
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise ValueError(
            f"{owner}: query, key and value need at least 2 dimensions (..., length, features), got "
            f"{query.shape}, {key.shape} and {value.shape}"
        )
    if key.shape[-1] != query.shape[-1]:
        raise F.ShapeMismatchError(
            f"{owner}: key has {key.shape[-1]} features but query {query.shape[-1]} (shapes {key.shape} "
            f"and {query.shape}); they must be equal"
        )
    if key.shape[-2] != value.shape[-2]:
        raise F.ShapeMismatchError(
            f"{owner}: key has {key.shape[-2]} positions but value {value.shape[-2]} (shapes {key.shape} "
            f"and {value.shape}); they must be equal"
        )
    if enable_gqa and min(query.ndim, key.ndim, value.ndim) >= 3 and key.shape[-3] != query.shape[-3]:
        heads, key_heads = query.shape[-3], key.shape[-3]
        if key_heads != value.shape[-3] or heads % key_heads:
            raise F.ShapeMismatchError(
                f"{owner}: with enable_gqa the query's heads ({heads}) must be a multiple of the key's "
                f"({key_heads}), and key and value must have as many heads (value has {value.shape[-3]})"
            )
        key = key.repeat_interleave(heads // key_heads, dim=-3)
        value = value.repeat_interleave(heads // key_heads, dim=-3)
    dropout_p = F.check_probability(dropout_p, owner)
    length, source_length = query.shape[-2], key.shape[-2]
    try:
        score_shape = np.broadcast_shapes(query.shape[:-2], key.shape[:-2]) + (length, source_length)
        np.broadcast_shapes(score_shape[:-1], value.shape[:-2] + (1,))
    except ValueError:
        raise F.ShapeMismatchError(
            f"{owner}: the leading dimensions of query {query.shape}, key {key.shape} and value "
            f"{value.shape} do not broadcast"
        ) from None
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise F.ValueOutOfRangeError(  # PyTorch's RuntimeError, our old ValueError
                f"{owner}: pass either attn_mask or is_causal=True, not both (as PyTorch)"
            )
        bias = additive_mask(causal_mask(length, source_length, query.device), query, owner, "", False)
    elif attn_mask is not None:
        bias = additive_mask(attn_mask, query, owner, "attn_mask", true_means_masked=False)
        try:
            np.broadcast_shapes(bias.shape, score_shape)
        except ValueError:
            raise F.ShapeMismatchError(
                f"{owner}: attn_mask of shape {bias.shape} does not broadcast to the scores' shape "
                f"{score_shape} (..., L, S)"
            ) from None
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    return attend(query, key, value, bias, scale, dropout_p, zero_masked_rows=True)[0]


# -- multi-head attention -----------------------------------------------------------------------


def _heads(x: Tensor, batch: int, num_heads: int) -> Tensor:
    """(length, batch, heads·head_dim) → (batch, heads, length, head_dim)."""
    return x.reshape(x.shape[0], batch, num_heads, x.shape[-1] // num_heads).permute(1, 2, 0, 3)


def _append_zero_column(mask: Tensor | None) -> Tensor | None:
    """One more key position that every query may attend (additive mask 0), for bias_kv / zero_attn."""
    if mask is None:
        return None
    return cat([mask, zeros(*mask.shape[:-1], 1, dtype=mask.dtype, device=mask.device)], dim=-1)


class MultiheadAttention(Module):
    """``torch.nn.MultiheadAttention``: MultiHead(Q, K, V) = Concat(head₁, …, head_h) W^O with
    headᵢ = Attention(Q W^Q_i, K W^K_i, V W^V_i) (Vaswani et al., 2017).

    Parameters with PyTorch's names: ``in_proj_weight`` (3·E, E) holding W^Q, W^K, W^V stacked, or
    ``q_proj_weight`` (E, E), ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim) when kdim
    or vdim differ from E; ``in_proj_bias`` (3·E,); ``out_proj`` a ``Linear(E, E)``; ``bias_k``,
    ``bias_v`` (1, 1, E) with ``add_bias_kv``. Initialised as PyTorch: Xavier uniform projections,
    zero biases, Xavier normal ``bias_k``/``bias_v``.

    ``forward(query, key, value)`` takes (L, N, E) (or (N, L, E) with ``batch_first``) or unbatched
    (L, E), and returns (output, weights): weights (N, L, S) averaged over heads, (N, heads, L, S)
    with ``average_attn_weights=False``, or None with ``need_weights=False``. Boolean masks are
    True where attention is *not* allowed; ``attn_mask`` is (L, S) or (N·heads, L, S), and
    ``key_padding_mask`` (N, S). ``is_causal`` is a hint that ``attn_mask`` is the causal mask, which
    must then be given, as in PyTorch. Dropout applies to the attention weights in training mode.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        owner = "MultiheadAttention"
        for name, size in (
            ("embed_dim", embed_dim),
            ("num_heads", num_heads),
            ("kdim", kdim),
            ("vdim", vdim),
        ):
            if size is not None and (
                isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0
            ):
                raise ValueError(f"{owner}: {name} must be a positive integer, got {size!r}")
        if embed_dim % num_heads:
            raise ValueError(f"{owner}: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        self.embed_dim, self.num_heads = int(embed_dim), int(num_heads)
        self.kdim = self.embed_dim if kdim is None else int(kdim)
        self.vdim = self.embed_dim if vdim is None else int(vdim)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.head_dim = self.embed_dim // self.num_heads
        self.dropout = F.check_probability(dropout, owner)
        self.batch_first = bool(batch_first)
        self.add_zero_attn = bool(add_zero_attn)
        E = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(zeros(3 * E, E, dtype=dtype, device=device))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.register_parameter("in_proj_weight", None)
            self.q_proj_weight = Parameter(zeros(E, E, dtype=dtype, device=device))
            self.k_proj_weight = Parameter(zeros(E, self.kdim, dtype=dtype, device=device))
            self.v_proj_weight = Parameter(zeros(E, self.vdim, dtype=dtype, device=device))
        in_proj_bias = Parameter(zeros(3 * E, dtype=dtype, device=device)) if bias else None
        self.register_parameter("in_proj_bias", in_proj_bias)
        self.out_proj = Linear(E, E, bias=bias, device=device, dtype=dtype)
        for name in ("bias_k", "bias_v"):
            value = Parameter(zeros(1, 1, E, dtype=dtype, device=device)) if add_bias_kv else None
            self.register_parameter(name, value)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's start: Xavier uniform projections, zero biases, Xavier normal bias_k/bias_v;
        ``out_proj.weight`` keeps Linear's U(±1/√E)."""
        for name in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
            if getattr(self, name) is not None:
                initializers.xavier_uniform_(getattr(self, name))
        for bias in (self.in_proj_bias, self.out_proj.bias):
            if bias is not None:
                initializers.zeros_(bias)
        for bias in (self.bias_k, self.bias_v):
            if bias is not None:
                initializers.xavier_normal_(bias)

    def _projection_weights(self) -> tuple[Tensor, Tensor, Tensor]:
        if self._qkv_same_embed_dim:
            return self.in_proj_weight.chunk(3)
        return self.q_proj_weight, self.k_proj_weight, self.v_proj_weight

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        owner = "MultiheadAttention"
        like = self.out_proj.weight
        for name, tensor in (("query", query), ("key", key), ("value", value)):
            _check_input(owner, name, tensor, like)
        if query.ndim not in (2, 3):
            raise ValueError(f"{owner}: expected a 2-D (unbatched) or 3-D query, got shape {query.shape}")
        batched = query.ndim == 3
        if key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(
                f"{owner}: key and value must have as many dimensions as the query ({query.ndim}-D), got "
                f"{key.ndim}-D and {value.ndim}-D"
            )
        for name, mask in (("key_padding_mask", key_padding_mask), ("attn_mask", attn_mask)):
            if mask is not None and not isinstance(mask, Tensor):
                raise TypeError(f"{owner}: {name} must be a Tensor or None, got {type(mask).__name__}")
        if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
            raise ValueError(
                f"{owner}: expected a {query.ndim - 1}-D key_padding_mask for a {query.ndim}-D query, got "
                f"shape {key_padding_mask.shape}"
            )
        if batched and self.batch_first:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        if not batched:
            query, key, value = (x.unsqueeze(1) for x in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        length, batch, _ = query.shape
        self._check_shapes(query, key, value)
        source_length = key.shape[0]
        heads = self.num_heads

        if is_causal and attn_mask is None:
            raise ValueError(
                f"{owner}: is_causal=True is a hint that attn_mask is the causal mask; pass the mask too "
                "(as PyTorch requires), e.g. nn.Transformer.generate_square_subsequent_mask(L)"
            )
        padding = None
        if key_padding_mask is not None:
            padding = additive_mask(
                key_padding_mask, query, owner, "key_padding_mask", true_means_masked=True
            )
            if padding.shape != (batch, source_length):
                want = (batch, source_length) if batched else (source_length,)
                raise F.ShapeMismatchError(
                    f"{owner}: expected key_padding_mask of shape {want}, got {key_padding_mask.shape}"
                )
        if attn_mask is not None:
            attn_mask = self._attention_bias(attn_mask, query, batch, length, source_length, batched)

        w_q, w_k, w_v = self._projection_weights()
        b_q, b_k, b_v = (None,) * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        q, k, v = F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(1, batch, self.embed_dim)], dim=0)
            v = cat([v, self.bias_v.expand(1, batch, self.embed_dim)], dim=0)
            attn_mask, padding = _append_zero_column(attn_mask), _append_zero_column(padding)
        q, k, v = _heads(q, batch, heads), _heads(k, batch, heads), _heads(v, batch, heads)
        if self.add_zero_attn:
            zero = zeros(batch, heads, 1, self.head_dim, dtype=k.dtype, device=k.device)
            k, v = cat([k, zero], dim=2), cat([v, zero], dim=2)
            attn_mask, padding = _append_zero_column(attn_mask), _append_zero_column(padding)
        bias = attn_mask
        if padding is not None:
            padding = padding.reshape(batch, 1, 1, -1)
            bias = padding if bias is None else bias + padding
        dropout_p = self.dropout if self.training else 0.0
        output, weights = attend(
            q, k, v, bias, 1 / math.sqrt(self.head_dim), dropout_p, zero_masked_rows=not need_weights
        )
        output = output.permute(2, 0, 1, 3).reshape(length, batch, self.embed_dim)
        output = F.linear(output, self.out_proj.weight, self.out_proj.bias)
        if batched and self.batch_first:
            output = output.transpose(0, 1)
        if not need_weights:
            return (output if batched else output.squeeze(1)), None
        if average_attn_weights:
            weights = weights.mean(dim=1)
        return (output, weights) if batched else (output.squeeze(1), weights.squeeze(0))

    def _check_shapes(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        """Query (L, N, E), key (S, N, kdim), value (S, N, vdim): sizes named expected and got."""
        owner = "MultiheadAttention"
        for name, tensor, features in (
            ("query", query, self.embed_dim),
            ("key", key, self.kdim),
            ("value", value, self.vdim),
        ):
            if tensor.shape[-1] != features:
                raise F.ShapeMismatchError(
                    f"{owner}: expected {name} with {features} features (last dimension), "
                    f"got {tensor.shape[-1]}"
                )
        if key.shape[:2] != value.shape[:2] or key.shape[1] != query.shape[1]:
            raise F.ShapeMismatchError(
                f"{owner}: key {key.shape} and value {value.shape} must share the sequence length and the "
                f"batch size {query.shape[1]} of the query {query.shape} (in (L, N, E) order)"
            )

    def _attention_bias(
        self, attn_mask: Tensor, query: Tensor, batch: int, length: int, source_length: int, batched: bool
    ) -> Tensor:
        """attn_mask (L, S) or (N·heads, L, S) as an additive (1 or N, heads or 1, L, S) mask."""
        owner = "MultiheadAttention"
        mask = additive_mask(attn_mask, query, owner, "attn_mask", true_means_masked=True)
        if mask.ndim == 2:
            if mask.shape != (length, source_length):
                raise F.ShapeMismatchError(
                    f"{owner}: expected a 2-D attn_mask of shape {(length, source_length)}, got {mask.shape}"
                )
            return mask.reshape(1, 1, length, source_length)
        rows = batch * self.num_heads
        if mask.ndim != 3 or mask.shape != (rows, length, source_length):
            want = (rows, length, source_length) if batched else (self.num_heads, length, source_length)
            raise F.ShapeMismatchError(
                f"{owner}: expected attn_mask of shape {(length, source_length)} or {want}, "
                f"got {attn_mask.shape}"
            )
        return mask.reshape(batch, self.num_heads, length, source_length)


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """``F.multi_head_attention_forward``: ``MultiheadAttention.forward`` with the weights given,
    inputs (L, N, E) or unbatched (L, E). It runs the module's forward on a stand-in that holds
    these weights, so the two cannot drift apart. PyTorch's misuse checks are AssertionErrors,
    as there; precomputed ``static_k``/``static_v`` are not supported."""
    from types import MethodType, SimpleNamespace

    embed_dim = query.shape[-1] if isinstance(query, Tensor) else None
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    if embed_dim % num_heads:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        for name, weight in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if weight is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        projections = (q_proj_weight, k_proj_weight, v_proj_weight)
    elif in_proj_weight is None:
        raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
    else:
        projections = in_proj_weight.chunk(3)
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k / static_v are not supported here")
    if (bias_k is None) != (bias_v is None):
        raise AssertionError("bias_k and bias_v must both be given or both be None")
    stand_in = SimpleNamespace(
        embed_dim=embed_dim,
        num_heads=num_heads,
        kdim=key.shape[-1],
        vdim=value.shape[-1],
        head_dim=embed_dim // num_heads,
        dropout=F.check_probability(dropout_p, "multi_head_attention_forward"),
        training=bool(training),
        batch_first=False,
        add_zero_attn=bool(add_zero_attn),
        in_proj_bias=in_proj_bias,
        bias_k=bias_k,
        bias_v=bias_v,
        out_proj=SimpleNamespace(weight=out_proj_weight, bias=out_proj_bias),
        _projection_weights=lambda: projections,
    )
    stand_in._check_shapes = MethodType(MultiheadAttention._check_shapes, stand_in)
    stand_in._attention_bias = MethodType(MultiheadAttention._attention_bias, stand_in)
    return MultiheadAttention.forward(
        stand_in,
        query,
        key,
        value,
        key_padding_mask,
        need_weights,
        attn_mask,
        average_attn_weights,
        is_causal,
    )
