"""Bad inputs to the training stack get clear errors of the type PyTorch 2.13 raises (ValueError,
TypeError, RuntimeError, IndexError), or, where we refuse what PyTorch lets through, an error
naming the problem: optimizers, schedulers, losses, DataLoader, state dicts and checkpoint files."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.data import DataLoader, TensorDataset, get_worker_info
from tinygrad_adam.optim import lr_scheduler, swa_utils


def parameter() -> tg.Tensor:
    return tg.zeros(3, requires_grad=True)


def sgd() -> tg.optim.SGD:
    return tg.optim.SGD([parameter()], lr=0.1)


# Optimizers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: tg.optim.SGD([parameter()], lr=-0.1), "Invalid learning rate: -0.1"),
        (lambda: tg.optim.Adam([parameter()], eps=-1e-8), "Invalid epsilon value"),
        (lambda: tg.optim.Adam([parameter()], betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
        (lambda: tg.optim.AdamW([parameter()], betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
        (lambda: tg.optim.SGD([parameter()], lr=0.1, weight_decay=-1), "Invalid weight_decay value"),
        (lambda: tg.optim.SGD([parameter()], lr=0.1, nesterov=True), "Nesterov momentum requires"),
        (lambda: tg.optim.RMSprop([parameter()], alpha=-0.1), "Invalid alpha value"),
        (lambda: tg.optim.Adagrad([parameter()], lr_decay=-1), "Invalid lr_decay value"),
        (lambda: tg.optim.Adadelta([parameter()], rho=1.5), "Invalid rho value"),
        (lambda: tg.optim.NAdam([parameter()], momentum_decay=-1), "Invalid momentum_decay value"),
        (lambda: tg.optim.Rprop([parameter()], etas=(1.2, 0.5)), "Invalid eta values"),
        (lambda: tg.optim.LBFGS([{"params": [parameter()]}, {"params": [parameter()]}]), "parameter groups"),
    ],
)
def test_out_of_range_hyperparameters_are_value_errors_with_pytorchs_words(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    "params, message",
    [
        ([1.0, 2.0], "float"),
        ([np.zeros(3)], "ndarray"),
        (tg.zeros(3, requires_grad=True), "single Tensor"),
        ({"weight": tg.zeros(3, requires_grad=True)}, "iterable of Tensors or dicts"),
    ],
)
def test_params_that_are_not_tensors_are_type_errors(params, message) -> None:
    with pytest.raises(TypeError, match=message):
        tg.optim.SGD(params, lr=0.1)


@pytest.mark.parametrize("lr", [None, "0.1"])
def test_a_learning_rate_that_is_not_a_number_is_pytorchs_type_error(lr) -> None:
    with pytest.raises(TypeError, match="Invalid learning rate") as caught:
        tg.optim.Adam([parameter()], lr=lr)
    assert isinstance(caught.value, ValueError)  # as our other bad hyperparameters


def test_a_failed_optimizer_load_leaves_its_state_as_it_was() -> None:
    optimizer = trained_adam(nn.Linear(2, 2))
    before = optimizer.state_dict()
    other = trained_adam(nn.Linear(2, 3))  # PyTorch loads its (3, 2) moments without a word
    with pytest.raises(ValueError, match="exp_avg"):
        optimizer.load_state_dict(other.state_dict())
    after = optimizer.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, state in before["state"].items():
        np.testing.assert_array_equal(after["state"][index]["exp_avg"].numpy(), state["exp_avg"].numpy())


def test_an_exhausted_generator_of_parameters_is_an_empty_list_as_pytorch() -> None:
    model = nn.Linear(2, 2)
    parameters = model.parameters()
    tg.optim.SGD(parameters, lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        tg.optim.SGD(parameters, lr=0.1)  # the first optimizer took them all


def test_a_parameter_in_two_groups_is_refused_at_creation_and_when_a_group_is_added() -> None:
    shared = parameter()
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        tg.optim.Adam([{"params": [shared]}, {"params": [shared], "lr": 0.1}])
    optimizer = tg.optim.Adam([shared])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optimizer.add_param_group({"params": [shared]})
    assert len(optimizer.param_groups) == 1


def test_a_computed_tensor_is_not_a_parameter() -> None:
    with pytest.raises(ValueError, match="leaf"):
        tg.optim.SGD([parameter() * 2], lr=0.1)


def test_a_gradient_of_the_wrong_shape_dtype_or_type_is_refused_when_assigned_as_in_pytorch() -> None:
    p = parameter()
    with pytest.raises(RuntimeError, match=r"gradient of shape \(4,\) to a tensor of shape \(3,\)"):
        p.grad = tg.zeros(4)
    with pytest.raises(RuntimeError, match="gradient of dtype float64 to a tensor of dtype float32"):
        p.grad = tg.zeros(3, dtype=tg.float64)
    with pytest.raises(TypeError, match="Tensor or None but got grad of type list"):
        p.grad = [0.0, 0.0, 0.0]
    assert p.grad is None  # nothing was stored
    p.grad = tg.ones(3)
    p.grad = None
    assert p.grad is None


def trained_adam(model: nn.Module) -> tg.optim.Adam:
    optimizer = tg.optim.Adam(model.parameters(), lr=0.1)
    model(tg.ones(1, 2)).sum().backward()
    optimizer.step()
    return optimizer


@pytest.mark.parametrize(
    "make_other, message",
    [
        (lambda: tg.optim.Adam([{"params": [parameter()]}, {"params": [parameter()]}]), "parameter groups"),
        (lambda: tg.optim.Adam([parameter(), parameter(), parameter()]), "parameters"),
        (lambda: tg.optim.Adam(nn.Linear(2, 3).parameters()), r"shape \(2, 2\).*\(3, 2\)"),
        (lambda: tg.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1, momentum=0.9), "another optimizer"),
    ],
)
def test_an_optimizer_state_dict_that_does_not_fit_is_a_value_error(make_other, message) -> None:
    state = trained_adam(nn.Linear(2, 2)).state_dict()
    with pytest.raises(ValueError, match=message):
        make_other().load_state_dict(state)


def test_an_optimizer_state_dict_without_its_keys_is_named() -> None:
    with pytest.raises(ValueError, match="'state', 'param_groups'"):
        sgd().load_state_dict({"state": {}})


# Schedulers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda o: lr_scheduler.StepLR(o, step_size=0), "step_size must be a positive integer, got 0"),
        (lambda o: lr_scheduler.StepLR(o, step_size=2.5), "step_size must be a positive integer"),
        (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0), "T_max must be a positive integer"),
        (lambda o: lr_scheduler.MultiStepLR(o, milestones=[1.5, 3]), "milestones must be integers"),
        (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0), "T_0"),
        (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), "T_mult"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="max2"), "mode"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), "factor"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]), "min_lr has 2 entries"),
        (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1), "total_steps"),
        (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5), "pct_start"),
        (lambda o: lr_scheduler.LinearLR(o, start_factor=0), "start_factor"),
        (lambda o: swa_utils.SWALR(o, swa_lr=0.01, anneal_strategy="step"), "anneal_strategy"),
        (lambda o: swa_utils.SWALR(o, swa_lr=0.01, anneal_epochs=-1), "anneal_epochs"),
        (lambda o: swa_utils.SWALR(o, swa_lr=[0.01, 0.02]), "swa_lr has 2 values for 1"),
    ],
)
def test_bad_schedule_settings_are_value_errors_at_creation(make, message) -> None:
    optimizer = sgd()
    with pytest.raises(ValueError, match=message):
        make(optimizer)
    assert optimizer.param_groups[0]["lr"] == 0.1  # a refused scheduler changed nothing


@pytest.mark.parametrize("not_an_optimizer", [object(), nn.Linear(2, 2)])
@pytest.mark.parametrize(
    "make",
    [
        lambda o: lr_scheduler.StepLR(o, step_size=2),
        lambda o: lr_scheduler.ReduceLROnPlateau(o),
        lambda o: swa_utils.SWALR(o, swa_lr=0.01),
    ],
)
def test_a_scheduler_of_something_else_than_an_optimizer_is_a_type_error(make, not_an_optimizer) -> None:
    with pytest.raises(TypeError, match=type(not_an_optimizer).__name__):
        make(not_an_optimizer)


def test_a_sequential_schedule_needs_one_milestone_fewer_than_schedulers() -> None:
    optimizer = sgd()
    parts = [lr_scheduler.StepLR(optimizer, 2), lr_scheduler.StepLR(optimizer, 2)]
    with pytest.raises(ValueError, match="one milestone fewer"):
        lr_scheduler.SequentialLR(optimizer, parts, milestones=[2, 3])


def test_one_cycle_stepped_past_its_end_is_a_value_error() -> None:
    optimizer = tg.optim.SGD([parameter()], lr=0.1, momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(optimizer, 0.1, total_steps=2)
    scheduler.step()
    scheduler.step()  # PyTorch allows total_steps steps after the one its creation takes
    with pytest.raises(ValueError, match="stepped 3 times, but total_steps is 2"):
        scheduler.step()


def test_a_scheduler_state_of_another_kind_is_refused() -> None:
    optimizer = sgd()
    state = lr_scheduler.StepLR(optimizer, 2).state_dict()
    with pytest.raises(ValueError, match="ExponentialLR state dict has unknown entries"):
        lr_scheduler.ExponentialLR(optimizer, 0.9).load_state_dict(state)


def test_reduce_on_plateau_needs_its_metric() -> None:
    with pytest.raises(TypeError, match="metrics"):
        lr_scheduler.ReduceLROnPlateau(sgd()).step()


def test_custom_schedulers_may_subclass_pytorchs_older_base_name() -> None:
    assert lr_scheduler._LRScheduler is lr_scheduler.LRScheduler


# Weight averaging ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [swa_utils.get_ema_multi_avg_fn, swa_utils.get_ema_avg_fn])
@pytest.mark.parametrize("decay", [-0.1, 1.5])
def test_an_ema_decay_outside_the_unit_interval_is_a_value_error(make, decay) -> None:
    with pytest.raises(ValueError, match=r"Invalid decay value .* \[0,1\] range"):
        make(decay)


def test_an_averaged_model_takes_one_averaging_function_and_the_same_architecture() -> None:
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="avg_fn or multi_avg_fn"):
        swa_utils.AveragedModel(
            model, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=swa_utils.get_swa_multi_avg_fn()
        )
    with pytest.raises(TypeError, match="Module"):
        swa_utils.AveragedModel(model.weight)
    averaged = swa_utils.AveragedModel(model)
    with pytest.raises(ValueError, match=r"shape \(3, 2\) cannot be averaged into one of shape \(2, 2\)"):
        averaged.update_parameters(nn.Linear(2, 3))
    with pytest.raises(ValueError, match="the model has 4 parameters, the averaged copy 2"):
        averaged.update_parameters(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)))
    assert averaged.n_averaged.item() == 0


def test_swa_averages_equally_and_ema_lerps_by_hand() -> None:
    model = nn.Linear(1, 1, bias=False)
    swa = swa_utils.AveragedModel(model)
    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.75))
    for value in (4.0, 8.0, 0.0):
        with tg.no_grad():
            model.weight.fill_(value)
        swa.update_parameters(model)
        ema.update_parameters(model)
    assert swa.module.weight.item() == pytest.approx(4.0)  # (4 + 8 + 0) / 3
    assert ema.module.weight.item() == pytest.approx(0.75 * (0.75 * 4 + 0.25 * 8))
    assert swa.n_averaged.item() == 3 and "n_averaged" in swa.state_dict()


# Losses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        lambda: nn.MSELoss(reduction="avg"),
        lambda: nn.CrossEntropyLoss(reduction="total"),
        lambda: nn.HuberLoss(reduction=None),
        lambda: nn.BCEWithLogitsLoss(reduction="batchmean"),
    ],
)
def test_an_unknown_reduction_is_a_value_error(criterion) -> None:
    with pytest.raises(ValueError, match="reduction"):
        criterion()(tg.zeros(2, 3), tg.zeros(2, 3))


def test_mismatched_shapes_are_runtime_errors_as_pytorch_and_value_errors() -> None:
    for criterion in (nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss(), nn.KLDivLoss(reduction="batchmean")):
        with pytest.raises(RuntimeError, match=r"\(4, 2\).*\(4, 3\)"):
            criterion(tg.zeros(4, 3), tg.zeros(4, 2))
    # PyTorch only warns and broadcasts (4, 1) against (4,) to (4, 4): here it is an error.
    with pytest.raises(ValueError, match="no broadcasting"):
        nn.MSELoss()(tg.zeros(4, 1), tg.zeros(4))


@pytest.mark.parametrize("labels, shown", [([0, 4, 1], "got 4"), ([0, -2, 1], "got -2")])
@pytest.mark.parametrize("criterion", [nn.CrossEntropyLoss, nn.NLLLoss])
def test_a_class_label_out_of_range_is_an_index_error_as_pytorch(criterion, labels, shown) -> None:
    with pytest.raises(IndexError, match=rf"\[0, 4\) for 4 classes.*{shown}"):
        criterion()(tg.zeros(3, 4), tg.tensor(labels))


def test_cross_entropy_names_bad_targets() -> None:
    criterion = nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match=r"need shape \(3,\), got \(2,\)"):  # PyTorch: ValueError
        criterion(tg.zeros(3, 4), tg.tensor([0, 1]))
    with pytest.raises(TypeError, match="must be integers"):
        criterion(tg.zeros(3, 4), tg.zeros(3))
    with pytest.raises(TypeError, match="bool"):
        criterion(tg.zeros(3, 4), tg.tensor([True, False, True]))
    with pytest.raises(ValueError, match=r"weight must have shape \(4,\)"):
        nn.CrossEntropyLoss(weight=tg.ones(3))(tg.zeros(3, 4), tg.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="label_smoothing must lie in"):
        nn.CrossEntropyLoss(label_smoothing=1.5)


def test_all_labels_ignored_is_nan_as_pytorch() -> None:
    loss = nn.CrossEntropyLoss(ignore_index=0)(tg.zeros(2, 3), tg.tensor([0, 0]))
    assert np.isnan(loss.item())


@pytest.mark.parametrize(
    "probabilities, targets, which",
    [
        ([0.5, 1.5], [0.0, 1.0], "input"),
        ([-0.5, 0.5], [0.0, 1.0], "input"),
        ([0.5, 0.5], [0.0, 2.0], "target"),
    ],
)
def test_binary_cross_entropy_refuses_values_outside_the_unit_interval(probabilities, targets, which) -> None:
    with pytest.raises(ValueError, match=f"every {which} value must lie in"):
        nn.BCELoss()(tg.tensor(probabilities), tg.tensor(targets))


def test_loss_settings_pytorch_refuses_at_the_call_are_refused_at_creation() -> None:
    with pytest.raises(ValueError, match="delta must be > 0"):
        nn.HuberLoss(delta=0)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        nn.SmoothL1Loss(beta=-1)
    with pytest.raises(ValueError, match="does not broadcast"):
        nn.BCEWithLogitsLoss(pos_weight=tg.ones(4))(tg.zeros(2, 3), tg.zeros(2, 3))


def test_multi_margin_loss_names_bad_settings_and_labels() -> None:
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        nn.MultiMarginLoss(p=3)
    criterion = nn.MultiMarginLoss()
    with pytest.raises(IndexError, match=r"\[0, 3\) for 3 classes.*got 3"):
        criterion(tg.zeros(2, 3), tg.tensor([0, 3]))
    with pytest.raises(TypeError, match="integers"):
        criterion(tg.zeros(2, 3), tg.zeros(2))
    with pytest.raises(RuntimeError, match=r"labels need shape \(2,\), got \(3,\)"):
        criterion(tg.zeros(2, 3), tg.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        nn.MultiMarginLoss(weight=tg.ones(2))(tg.zeros(2, 3), tg.tensor([0, 1]))


# DataLoader ------------------------------------------------------------------------------------


def dataset() -> TensorDataset:
    return TensorDataset(np.arange(8, dtype=np.float32).reshape(4, 2))


@pytest.mark.parametrize("batch_size", [0, -1, 2.0])
def test_a_batch_size_that_is_not_a_positive_integer_is_a_value_error_as_pytorch(batch_size) -> None:
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(dataset(), batch_size=batch_size)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"sampler": [0, 1, 2, 3], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
        ({"batch_sampler": [[0, 1], [2, 3]], "batch_size": 3}, "batch_sampler option is mutually exclusive"),
        (
            {"batch_sampler": [[0, 1], [2, 3]], "drop_last": True},
            "batch_sampler option is mutually exclusive",
        ),
        ({"num_workers": -1}, "num_workers"),
        ({"timeout": -1}, "timeout option should be non-negative"),
        ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multiprocessing"),
        ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
    ],
)
def test_loader_options_pytorch_refuses_are_value_errors(options, message) -> None:
    with pytest.raises(ValueError, match=message):
        DataLoader(dataset(), **options)


def test_shuffle_none_is_pytorchs_default_of_no_shuffling() -> None:
    loader = DataLoader(dataset(), batch_size=4, shuffle=None)
    ((batch,),) = list(loader)
    np.testing.assert_array_equal(batch.numpy(), np.arange(8, dtype=np.float32).reshape(4, 2))


def test_a_worker_init_fn_that_is_not_callable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="worker_init_fn"):
        DataLoader(dataset(), num_workers=2, worker_init_fn=3)


def test_pytorchs_worker_options_are_accepted_and_change_no_batch() -> None:
    called = []
    loader = DataLoader(
        dataset(),
        batch_size=3,
        num_workers=2,
        worker_init_fn=called.append,
        prefetch_factor=4,
        persistent_workers=True,
        timeout=30,
        pin_memory=True,
        multiprocessing_context="spawn",
        pin_memory_device="",
        in_order=True,
    )
    plain = DataLoader(dataset(), batch_size=3)
    for (ours,), (expected,) in zip(loader, plain, strict=True):
        np.testing.assert_array_equal(ours.numpy(), expected.numpy())
    assert called == []  # no worker process starts, as in PyTorch with num_workers=0
    assert get_worker_info() is None
    assert tg.utils.data.get_worker_info is get_worker_info


# Model state dicts -----------------------------------------------------------------------------


def test_strict_loading_names_missing_unexpected_and_mis_shaped_entries() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    state = model.state_dict()
    del state["1.bias"]
    state["2.weight"] = tg.zeros(1)
    with pytest.raises(RuntimeError, match=r"(?s)missing key '1.bias'.*unexpected key '2.weight'"):
        model.load_state_dict(state)
    report = model.load_state_dict(state, strict=False)
    assert report.missing_keys == ["1.bias"] and report.unexpected_keys == ["2.weight"]  # PyTorch's lists
    state = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)).state_dict()
    for strict in (True, False):  # a shape that does not fit is an error even when not strict, as PyTorch
        with pytest.raises(
            RuntimeError, match=r"'0.weight': shape \(3, 2\) in the state, \(2, 2\) in the model"
        ):
            model.load_state_dict(state, strict=strict)


def test_a_state_dict_from_a_wrapped_model_names_every_key() -> None:
    model = nn.Linear(2, 2)
    wrapped = {f"module.{name}": value for name, value in model.state_dict().items()}
    with pytest.raises(RuntimeError, match=r"(?s)missing key 'weight'.*unexpected key 'module.weight'"):
        model.load_state_dict(wrapped)


def test_a_state_dict_that_is_not_a_mapping_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="mapping"):
        nn.Linear(2, 2).load_state_dict([("weight", tg.zeros(2, 2))])


# Checkpoint files ------------------------------------------------------------------------------


def saved(tmp_path, name: str = "model.pt") -> str:
    path = str(tmp_path / name)
    tg.save({"model": nn.Linear(3, 2).state_dict(), "epoch": 3}, path)
    return path


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated mid-write
        lambda data: b"",  # empty
        lambda data: b"hello, this is a text file",
        lambda data: data[:-30],  # the end of the zip directory cut off
    ],
)
def test_a_damaged_checkpoint_is_a_clear_error_pytorch_code_can_catch(tmp_path, damage) -> None:
    path = saved(tmp_path)
    with open(path, "rb") as file:
        data = file.read()
    with open(path, "wb") as file:
        file.write(damage(data))
    with pytest.raises(RuntimeError, match="model.pt") as caught:  # torch.load's RuntimeError
        tg.load(path)
    assert isinstance(caught.value, ValueError) and "checkpoint" in str(caught.value)


def test_a_zip_that_is_not_ours_is_refused(tmp_path) -> None:
    path = str(tmp_path / "other.pt")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    with pytest.raises(ValueError, match="PyTorch checkpoint"):
        tg.load(path)


def test_a_failing_save_never_touches_the_previous_file(tmp_path) -> None:
    path = saved(tmp_path)
    before = open(path, "rb").read()
    with pytest.raises(TypeError, match="function"):
        tg.save({"model": nn.Linear(3, 2).state_dict(), "schedule": lambda epoch: 0.9**epoch}, path)
    assert open(path, "rb").read() == before
    assert sorted(os.listdir(tmp_path)) == ["model.pt"]  # no temporary file left behind
    assert tg.load(path)["epoch"] == 3


def test_saving_onto_a_folder_is_named(tmp_path) -> None:
    with pytest.raises(IsADirectoryError, match="folder"):
        tg.save({"epoch": 1}, str(tmp_path))


def test_map_location_may_be_pytorchs_function_of_storage_and_location(tmp_path) -> None:
    path = saved(tmp_path)
    state = tg.load(path, map_location=lambda storage, location: storage)
    assert state["model"]["weight"].device == "cpu" and state["epoch"] == 3
    seen = []
    tg.load(path, map_location=lambda storage, location: seen.append(location) or storage)
    assert seen == ["cpu", "cpu"]
    moved = tg.load(path, map_location=lambda storage, location: storage.to(tg.get_default_device()))
    assert moved["model"]["bias"].device == tg.get_default_device()
    with pytest.raises(TypeError, match="map_location returned a str"):
        tg.load(path, map_location=lambda storage, location: "cpu")
    with pytest.raises(ValueError, match="not both"):
        tg.load(path, device="cpu", map_location=lambda storage, location: storage)
    with pytest.raises(TypeError, match="map_location must be a device name"):
        tg.load(path, map_location=3)


# Mixed precision -------------------------------------------------------------------------------


def scaled_step(scaler: tg.amp.GradScaler) -> tg.optim.SGD:
    p = parameter()
    optimizer = tg.optim.SGD([p], lr=0.1)
    scaler.scale((p * 2).sum()).backward()
    return optimizer


def test_grad_scaler_refuses_pytorchs_bad_settings_and_orders() -> None:
    with pytest.raises(ValueError, match="growth factor must be > 1.0"):
        tg.amp.GradScaler(growth_factor=1.0)
    with pytest.raises(ValueError, match="backoff factor must be < 1.0"):
        tg.amp.GradScaler(backoff_factor=1.5)
    scaler = tg.amp.GradScaler("cpu")
    with pytest.raises(RuntimeError, match="No inf checks were recorded"):
        scaler.update()
    optimizer = scaled_step(scaler)
    scaler.unscale_(optimizer)
    with pytest.raises(RuntimeError, match="already been called on this optimizer"):
        scaler.unscale_(optimizer)
    scaler.step(optimizer)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(optimizer)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(optimizer, closure=lambda: 0.0)
    with pytest.raises(TypeError, match="Optimizer"):
        scaler.unscale_(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="state dict is empty"):
        scaler.load_state_dict(tg.amp.GradScaler(enabled=False).state_dict())


def test_grad_scaler_unscales_before_the_step_by_hand() -> None:
    scaler = tg.amp.GradScaler("cpu", init_scale=8.0)
    optimizer = scaled_step(scaler)
    (p,) = optimizer.param_groups[0]["params"]
    np.testing.assert_array_equal(p.grad.numpy(), np.full(3, 16.0, np.float32))  # 2 · S
    scaler.step(optimizer)
    scaler.update()
    np.testing.assert_array_equal(p.numpy(), np.full(3, -0.2, np.float32))  # 0 − 0.1 · 2
    expected = {"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2000}
    assert scaler.state_dict() == {**expected, "_growth_tracker": 1}


def test_a_grad_scaler_for_cuda_without_a_gpu_disables_itself_as_pytorch() -> None:
    if tg.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling."):
        scaler = tg.cuda.amp.GradScaler()
    assert not scaler.is_enabled() and tg.amp.GradScaler("cpu").is_enabled()


def test_a_disabled_grad_scaler_passes_everything_through() -> None:
    scaler = tg.cuda.amp.GradScaler(enabled=False)
    loss = tg.ones(())
    assert scaler.scale(loss) is loss and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    optimizer = scaled_step(scaler)
    scaler.step(optimizer)
    scaler.update()
    np.testing.assert_array_equal(
        optimizer.param_groups[0]["params"][0].numpy(), np.full(3, -0.2, np.float32)
    )


def test_autocast_warns_when_enabled_that_precision_is_not_lowered(monkeypatch) -> None:
    monkeypatch.setattr(tg.amp.autocast, "_warned", False)
    with tg.autocast("cpu", enabled=False):
        pass  # silent, as PyTorch's
    with pytest.warns(UserWarning, match="not emulated"), tg.autocast("cpu", dtype=tg.float16):
        y = tg.ones(2) * 3
    assert y.dtype == tg.float32
    with pytest.raises(ValueError, match="device_type"):
        tg.autocast(0)
