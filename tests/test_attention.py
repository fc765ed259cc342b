"""Attention as PyTorch 2.13 has it: F.scaled_dot_product_attention, nn.MultiheadAttention and the
Transformer layers (encoder and decoder layers, their stacks, nn.Transformer).

Values and gradients come from tests/fixtures/make_attention_reference.py (torch 2.13, float64):
each case loads torch's initial state_dict into our module (so the parameter names are checked
too), runs the recorded inputs and masks, then backward with the recorded output gradients, and
compares outputs, attention weights and the gradients of every input and parameter.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "attention_reference.npz")
CASES = json.loads(REFERENCE["__cases__"].item())
FLOAT64 = {"rtol": 1e-10, "atol": 1e-12}
FLOAT32 = {"rtol": 2e-4, "atol": 2e-5}
ACTIVATIONS = {"silu": F.silu}  # the fixture names callables by these keys


def build(layer: str, options: dict, dtype) -> nn.Module:
    options = dict(options)
    if options.get("activation") in ACTIVATIONS:
        options["activation"] = ACTIVATIONS[options["activation"]]
    if layer in ("TransformerEncoder", "TransformerDecoder"):
        kind = "TransformerEncoderLayer" if layer == "TransformerEncoder" else "TransformerDecoderLayer"
        inner = build(kind, options["layer"], dtype)
        norm = nn.LayerNorm(options["layer"]["d_model"], dtype=dtype) if options["norm"] else None
        return getattr(nn, layer)(inner, options["num_layers"], norm=norm)
    return getattr(nn, layer)(**options, dtype=dtype)


def replay(case: dict, dtype):
    """(module or None, inputs by name, outputs) after backward with the recorded gradients."""
    name = case["name"]
    inputs = {
        key: tg.tensor(REFERENCE[f"{name}.input.{key}"].astype(dtype), requires_grad=True)
        for key in case["inputs"]
    }
    masks = {}
    for key in case["masks"]:
        mask = REFERENCE[f"{name}.mask.{key}"]
        masks[key] = tg.tensor(mask if mask.dtype == np.bool_ else mask.astype(dtype))
    arguments = [inputs[key] for key in case["arguments"]]
    module = None
    if case["layer"] == "sdpa":
        result = F.scaled_dot_product_attention(*arguments, **masks, **case["call"])
    else:
        module = build(case["layer"], case["options"], dtype)
        assert list(module.state_dict()) == case["state_dict"]
        module.load_state_dict(
            {key: REFERENCE[f"{name}.param.{key}"].astype(dtype) for key in case["state_dict"]}
        )
        module.eval()  # as recorded: no dropout
        result = module(*arguments, **masks, **case["call"])
    outputs = [result] if isinstance(result, tg.Tensor) else [r for r in result if r is not None]
    assert len(outputs) == case["outputs"]
    grads = [tg.tensor(REFERENCE[f"{name}.grad_output{i}"].astype(dtype)) for i in range(case["outputs"])]
    tg.autograd.backward(outputs, grads)
    return module, inputs, outputs


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_attention_matches_pytorch_outputs_weights_and_gradients(case):
    name = case["name"]
    module, inputs, outputs = replay(case, tg.float64)
    for index, output in enumerate(outputs):
        np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}.output{index}"], **FLOAT64)
    for key, tensor in inputs.items():
        np.testing.assert_allclose(
            tensor.grad.numpy(), REFERENCE[f"{name}.grad_input.{key}"], **FLOAT64, err_msg=key
        )
    for key, parameter in module.named_parameters() if module is not None else []:
        np.testing.assert_allclose(
            parameter.grad.numpy(), REFERENCE[f"{name}.grad_param.{key}"], **FLOAT64, err_msg=key
        )


@pytest.mark.parametrize(
    "name",
    ["mha_bias_kv_zero_attn_masks", "encoder_two_layers_final_norm_masks", "transformer_encoder_decoder"],
)
def test_float32_modules_match_pytorch_within_single_precision(name):
    case = next(case for case in CASES if case["name"] == name)
    module, inputs, outputs = replay(case, tg.float32)
    assert all(output.dtype == tg.float32 for output in outputs)
    np.testing.assert_allclose(outputs[0].numpy(), REFERENCE[f"{name}.output0"], **FLOAT32)
    for key, parameter in module.named_parameters():
        np.testing.assert_allclose(parameter.grad.numpy(), REFERENCE[f"{name}.grad_param.{key}"], **FLOAT32)


# -- scaled_dot_product_attention ------------------------------------------------------------------


def test_sdpa_is_softmax_of_scaled_scores_times_value(rng):
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    scores = q @ k.T / 2.0  # 1/√4
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v))
    np.testing.assert_allclose(out.numpy(), weights @ v, rtol=1e-12)


def test_sdpa_is_causal_equals_a_lower_triangular_boolean_mask(rng):
    q, k, v = (tg.tensor(rng.standard_normal((2, 4, 3))) for _ in range(3))
    allowed = tg.tensor(np.tril(np.ones((4, 4), bool)))
    causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    masked = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    np.testing.assert_allclose(causal.numpy(), masked.numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        causal.numpy()[:, 0], v.numpy()[:, 0], rtol=1e-12
    )  # first query sees key 0 only


def test_sdpa_dropout_is_seeded_and_p_one_drops_every_weight(rng):
    q, k, v = (tg.tensor(rng.standard_normal((2, 3, 4))) for _ in range(3))
    tg.manual_seed(3)
    first = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(first, F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy())
    assert not np.allclose(first, F.scaled_dot_product_attention(q, k, v).numpy())
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy(), 0.0)


def test_sdpa_gradients_pass_gradcheck_with_a_mask(rng):
    allowed = tg.tensor(np.array([[True, False, True], [True, True, False]]))

    def attention(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=0.7)

    inputs = [rng.standard_normal((1, 2, 2)), rng.standard_normal((1, 3, 2)), rng.standard_normal((1, 3, 2))]
    assert tg.gradcheck(attention, [tg.tensor(a) for a in inputs])


def test_multihead_attention_gradients_are_differentiable_again_with_create_graph(rng):
    """Double backward: gradcheck of the gradient of the query, built with create_graph."""
    attention = nn.MultiheadAttention(4, 2, dtype=tg.float64)
    memory = tg.tensor(rng.standard_normal((3, 1, 4)))

    def query_gradient(query):
        query = query if query.requires_grad else query.requires_grad_()  # finite differences pass plain ones
        output, weights = attention(query, memory, memory)
        (grad,) = tg.autograd.grad(
            (output * output).sum() + (weights * weights).sum(), [query], create_graph=True
        )
        return grad

    assert tg.gradcheck(query_gradient, [tg.tensor(rng.standard_normal((2, 1, 4)))])


# -- MultiheadAttention ------------------------------------------------------------------------------


def test_multihead_attention_starts_as_pytorch_with_its_parameter_names():
    tg.manual_seed(0)
    same = nn.MultiheadAttention(16, 4)
    assert [name for name, _ in same.named_parameters()] == [
        "in_proj_weight",
        "in_proj_bias",
        "out_proj.weight",
        "out_proj.bias",
    ]
    bound = math.sqrt(6 / (16 + 48))  # Xavier uniform over the (3E, E) stack
    weight = same.in_proj_weight.numpy()
    assert weight.shape == (48, 16) and np.abs(weight).max() <= bound
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.1 * bound
    np.testing.assert_array_equal(same.in_proj_bias.numpy(), 0.0)
    np.testing.assert_array_equal(same.out_proj.bias.numpy(), 0.0)
    assert np.abs(same.out_proj.weight.numpy()).max() <= 1 / 4  # Linear's U(±1/√E)
    other = nn.MultiheadAttention(6, 2, bias=False, add_bias_kv=True, kdim=3, vdim=5)
    shapes = {name: p.shape for name, p in other.named_parameters()}
    assert shapes == {
        "q_proj_weight": (6, 6),
        "k_proj_weight": (6, 3),
        "v_proj_weight": (6, 5),
        "bias_k": (1, 1, 6),
        "bias_v": (1, 1, 6),
        "out_proj.weight": (6, 6),
    }


def test_multihead_attention_returns_torch_shapes_for_every_layout(rng):
    attention = nn.MultiheadAttention(6, 3)
    x = tg.tensor(rng.standard_normal((4, 2, 6)).astype(np.float32))
    memory = tg.tensor(rng.standard_normal((5, 2, 6)).astype(np.float32))
    output, weights = attention(x, memory, memory)
    assert output.shape == (4, 2, 6) and weights.shape == (2, 4, 5)
    output, weights = attention(x, memory, memory, average_attn_weights=False)
    assert weights.shape == (2, 3, 4, 5)
    np.testing.assert_allclose(weights.numpy().sum(-1), 1.0, rtol=1e-5)
    output, weights = attention(x[:, 0], memory[:, 0], memory[:, 0])
    assert output.shape == (4, 6) and weights.shape == (4, 5)
    attention.batch_first = True
    output, none = attention(x, x, x, need_weights=False)
    assert output.shape == (4, 2, 6) and none is None


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # NumPy on the NaN row, as intended
def test_fully_masked_query_rows_give_nan_weights_but_zero_attention_without_weights():
    """As torch 2.13: need_weights=True runs a plain softmax (NaN for a row with every key masked);
    need_weights=False runs scaled_dot_product_attention, whose safe softmax gives zeros."""
    attention = nn.MultiheadAttention(4, 2).eval()
    x = tg.randn(3, 2, 4)
    padding = tg.tensor(np.array([[False, False, False], [True, True, True]]))
    output, weights = attention(x, x, x, key_padding_mask=padding)
    assert np.isnan(weights.numpy()[1]).all() and np.isfinite(weights.numpy()[0]).all()
    assert np.isnan(output.numpy()[:, 1]).all()
    output, _ = attention(x, x, x, key_padding_mask=padding, need_weights=False)
    np.testing.assert_allclose(output.numpy()[:, 1], 0.0, atol=1e-7)  # out_proj.bias starts at zero


def test_multihead_attention_dropout_acts_on_weights_in_training_only():
    attention = nn.MultiheadAttention(4, 2, dropout=0.5)
    x = tg.randn(5, 2, 4)
    tg.manual_seed(7)
    first = attention(x, x, x)[1].numpy()
    assert (first == 0).any()
    attention.eval()
    a, b = attention(x, x, x)[1].numpy(), attention(x, x, x)[1].numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(-1), 1.0, rtol=1e-5)


# -- Transformer layers --------------------------------------------------------------------------------


def test_encoder_stack_holds_independent_deep_copies_of_the_layer():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    encoder = nn.TransformerEncoder(layer, num_layers=3)
    first, second = encoder.layers[0], encoder.layers[1]
    assert first is not layer and first.linear1.weight is not second.linear1.weight
    np.testing.assert_array_equal(first.linear1.weight.numpy(), second.linear1.weight.numpy())
    np.testing.assert_array_equal(
        first.self_attn.in_proj_weight.numpy(), layer.self_attn.in_proj_weight.numpy()
    )
    assert len(list(encoder.parameters())) == 3 * len(list(layer.parameters()))
    assert list(encoder.state_dict())[0] == "layers.0.self_attn.in_proj_weight"


def test_square_subsequent_mask_is_minus_infinity_above_the_diagonal():
    mask = nn.Transformer.generate_square_subsequent_mask(4).numpy()
    np.testing.assert_array_equal(mask, np.triu(np.full((4, 4), -np.inf), 1))


def test_a_tiny_transformer_learns_to_reverse_sequences_with_adam():
    """Output position i must name the token at position L-1-i: attention has to look across the
    sequence, and the loss falls well below its starting value."""
    tg.manual_seed(0)
    vocab, length, width = 5, 4, 16
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, vocab, size=(64, length))
    targets = tokens[:, ::-1].copy()
    embed = nn.Embedding(vocab, width)
    position = nn.Parameter(tg.randn(length, width) * 0.1)
    encoder = nn.TransformerEncoderLayer(width, 2, dim_feedforward=32, dropout=0.0, batch_first=True)
    head = nn.Linear(width, vocab)
    parameters = [*embed.parameters(), position, *encoder.parameters(), *head.parameters()]
    optimizer = tg.optim.Adam(parameters, lr=0.01)
    x, y = tg.tensor(tokens), tg.tensor(targets.reshape(-1))
    losses = []
    for _ in range(60):
        logits = head(encoder(embed(x) + position))
        loss = F.cross_entropy(logits.reshape(-1, vocab), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0], losses[::10]


# -- bad inputs ----------------------------------------------------------------------------------------


def test_bad_arguments_are_refused_with_errors_naming_them():
    with pytest.raises(ValueError, match=r"embed_dim \(10\) must be divisible by num_heads \(4\)"):
        nn.MultiheadAttention(10, 4)
    with pytest.raises(ValueError, match="num_heads must be a positive integer"):
        nn.MultiheadAttention(8, 0)
    with pytest.raises(ValueError, match="activation should be 'relu', 'gelu' or a callable, not 'swish'"):
        nn.TransformerEncoderLayer(4, 2, activation="swish")
    with pytest.raises(ValueError, match="num_layers must be a positive integer"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2), 0)


def test_multihead_attention_shape_errors_name_expected_and_got():
    attention = nn.MultiheadAttention(4, 2, kdim=3)
    x, key = tg.randn(3, 2, 4), tg.randn(5, 2, 3)
    with pytest.raises(F.ShapeMismatchError, match="expected query with 4 features .*got 5"):
        attention(tg.randn(3, 2, 5), key, x[:1].expand(5, 2, 4))
    with pytest.raises(F.ShapeMismatchError, match="expected key with 3 features .*got 4"):
        attention(x, x, x)
    with pytest.raises(F.ShapeMismatchError, match="share the sequence length"):
        attention(x, key, tg.randn(4, 2, 4))
    value = tg.randn(5, 2, 4)
    with pytest.raises(F.ShapeMismatchError, match=r"2-D attn_mask of shape \(3, 5\), got \(3, 4\)"):
        attention(x, key, value, attn_mask=tg.zeros(3, 4))
    with pytest.raises(F.ShapeMismatchError, match=r"\(4, 3, 5\), got \(2, 3, 5\)"):
        attention(x, key, value, attn_mask=tg.zeros(2, 3, 5))
    with pytest.raises(F.ShapeMismatchError, match=r"key_padding_mask of shape \(2, 5\), got \(2, 4\)"):
        attention(x, key, value, key_padding_mask=tg.zeros(2, 4, dtype=tg.bool_))
    with pytest.raises(TypeError, match="key_padding_mask must be boolean or floating point, got int64"):
        attention(x, key, value, key_padding_mask=tg.zeros(2, 5, dtype=tg.int64))
    with pytest.raises(ValueError, match="is_causal=True is a hint .*pass the mask"):
        attention(x, key, value, is_causal=True)
    with pytest.raises(ValueError, match="2-D \\(unbatched\\) or 3-D query"):
        attention(tg.randn(4), key, value)
    with pytest.raises(TypeError, match="query has dtype float64 but float32"):
        attention(x.astype(tg.float64), key, value)


def test_scaled_dot_product_attention_errors_name_the_problem():
    q, k, v = tg.randn(2, 3, 4), tg.randn(2, 5, 4), tg.randn(2, 5, 6)
    with pytest.raises(F.ShapeMismatchError, match="key has 3 features but query 4"):
        F.scaled_dot_product_attention(q, tg.randn(2, 5, 3), v)
    with pytest.raises(F.ShapeMismatchError, match="key has 5 positions but value 4"):
        F.scaled_dot_product_attention(q, k, tg.randn(2, 4, 6))
    with pytest.raises(F.ShapeMismatchError, match=r"attn_mask of shape \(3, 4\) does not broadcast"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 4, dtype=tg.bool_))
    with pytest.raises(ValueError, match="either attn_mask or is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 5, dtype=tg.bool_), is_causal=True)
    with pytest.raises(TypeError, match="attn_mask has dtype float64 but the query float32"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.zeros(3, 5, dtype=tg.float64))
    with pytest.raises(
        F.ShapeMismatchError, match=r"query's heads \(3\) must be a multiple of the key's \(2\)"
    ):
        F.scaled_dot_product_attention(
            tg.randn(1, 3, 2, 4), tg.randn(1, 2, 2, 4), tg.randn(1, 2, 2, 4), enable_gqa=True
        )
    with pytest.raises(F.ShapeMismatchError, match="do not broadcast"):
        F.scaled_dot_product_attention(tg.randn(3, 2, 4), tg.randn(2, 5, 4), tg.randn(2, 5, 4))
    with pytest.raises(ValueError, match="drop probability p must be a number in"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.5)
    with pytest.raises(TypeError, match="value must be a Tensor, got list"):
        F.scaled_dot_product_attention(q, k, [[1.0]])


def test_masks_that_are_not_tensors_are_refused_by_name():
    attention = nn.MultiheadAttention(4, 2)
    x = tg.randn(3, 2, 4)
    with pytest.raises(TypeError, match="key_padding_mask must be a Tensor or None, got list"):
        attention(x, x, x, key_padding_mask=[[True, False, False]] * 2)
    with pytest.raises(TypeError, match="attn_mask must be a Tensor or None, got ndarray"):
        attention(x, x, x, attn_mask=np.zeros((3, 3), bool))


def test_unbatched_layers_equal_a_batch_of_one(rng):
    encoder = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dtype=tg.float64).eval()
    decoder = nn.TransformerDecoderLayer(4, 2, dim_feedforward=8, dtype=tg.float64).eval()
    x, memory = tg.tensor(rng.standard_normal((3, 4))), tg.tensor(rng.standard_normal((5, 4)))
    np.testing.assert_allclose(encoder(x).numpy(), encoder(x.unsqueeze(1)).numpy()[:, 0], rtol=1e-12)
    batched = decoder(x.unsqueeze(1), memory.unsqueeze(1)).numpy()[:, 0]
    np.testing.assert_allclose(decoder(x, memory).numpy(), batched, rtol=1e-12)


def test_transformer_draws_every_matrix_from_xavier_uniform_and_checks_its_inputs():
    tg.manual_seed(0)
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
    linear1 = model.encoder.layers[0].linear1.weight.numpy()
    assert np.abs(linear1).max() <= math.sqrt(6 / (8 + 16)) and np.abs(linear1).max() > 1 / math.sqrt(8)
    np.testing.assert_array_equal(model.decoder.norm.weight.numpy(), 1.0)
    with pytest.raises(F.ShapeMismatchError, match="same batch size"):
        model(tg.randn(4, 2, 8), tg.randn(3, 3, 8))
    with pytest.raises(F.ShapeMismatchError, match="d_model=8 features, got 6 and 8"):
        model(tg.randn(4, 2, 6), tg.randn(3, 2, 8))
