"""Formats of real tables that users bring, found by training on datasets bundled in PyPI packages
(scikit-learn, statsmodels, vega_datasets, palmerpenguins; none of them ships here): each test writes a
small file of its own in the shape that tripped the reader or the command line."""

import gzip
import json

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import cli
from tinygrad_adam.cli import main
from tinygrad_adam.data import DataLoader, Standardizer, TensorDataset

QUICK = ["--hidden", "16", "--batch-size", "10", "--quiet", "--json", "--lr", "0.01"]


def csv_options(path, **changes) -> dict:
    """The settings a `--csv path` run hands to the loader (the command line's defaults)."""
    return {**cli.CSV_DEFAULTS, "csv": str(path), **changes}


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def aligned_table(rows: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features and a target that depends on them, as UCI's housing.data holds numbers."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 100, (rows, 3)), 2)
    return x, np.round(x @ [0.5, -0.25, 1.0] + rng.normal(0, 1, rows), 3)


def write_aligned(path, x: np.ndarray, y: np.ndarray, header: str | None = None, gz: bool = False) -> None:
    """Columns padded with runs of spaces, a leading space on each line (UCI's housing.data, R)."""
    lines = [header] if header else []
    lines += [
        " " + "".join(f"{value:>9.2f}" for value in row) + f"  {target:>8.3f}" for row, target in zip(x, y)
    ]
    text = "\n".join(lines) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)


# --- columns aligned by spaces (UCI, statsmodels' spector, scikit-learn's diabetes_data_raw.csv.gz) --


@pytest.mark.parametrize("gz", [False, True])
def test_a_table_aligned_by_runs_of_spaces_is_found_and_read_by_auto(tmp_path, gz):
    x, y = aligned_table()
    path = tmp_path / ("housing.data.gz" if gz else "housing.data")
    write_aligned(path, x, y, gz=gz)
    features, target = tg.datasets.load_csv(path, delimiter="auto", task="regression")
    np.testing.assert_allclose(features, x, rtol=1e-6)
    np.testing.assert_allclose(target, y, rtol=1e-6)
    again, _ = tg.datasets.load_csv(path, delimiter=" ", task="regression")  # named, not guessed
    np.testing.assert_array_equal(again, features)


def test_an_aligned_table_with_text_reads_through_the_exact_reader(tmp_path):
    path = tmp_path / "cars.txt"
    path.write_text(
        "mpg   cyl  origin\n 18.0   8   usa\n 26.0   4   japan\n 15.0   8   usa\n 30.0   4   europe\n"
    )
    x, y, names = tg.datasets.load_csv(
        path, target="mpg", delimiter="auto", categorical="onehot", return_feature_names=True
    )
    assert names == ["cyl", "origin_europe", "origin_japan", "origin_usa"]
    np.testing.assert_array_equal(x[:, 0], [8, 4, 8, 4])
    np.testing.assert_array_equal(y, [18, 26, 15, 30])


def test_a_comma_file_whose_text_holds_spaces_stays_a_comma_file(tmp_path):
    path = tmp_path / "cities.csv"
    path.write_text("city,size,label\nNew York,8.3,1\nSan Jose,1.0,0\nLos Angeles,3.9,1\n")
    x, y = tg.datasets.load_csv(path, delimiter="auto", categorical="onehot")
    assert x.shape == (3, 4) and y.tolist() == [1, 0, 1]


def test_header_names_in_single_quotes_are_named_without_them(tmp_path):
    # statsmodels' spector.csv (spaces) and anes96.csv (tabs) write their header so
    for delimiter, name in ((" ", "spector.csv"), ("\t", "anes96.csv")):
        path = tmp_path / name
        rows = [["'OBS'", "'GPA'", "'PSI'", "'GRADE'"]] + [
            [str(i + 1), f"{2 + i / 10:.2f}", str(i % 2), str(i // 3 % 2)] for i in range(8)
        ]
        path.write_text("\n".join(delimiter.join(row) for row in rows) + "\n")
        x, y, names = tg.datasets.load_csv(
            path, target="GRADE", ignore=["OBS"], delimiter="auto", return_feature_names=True
        )
        assert names == ["GPA", "PSI"]
        assert y.tolist() == [i // 3 % 2 for i in range(8)]


def test_a_line_of_counts_above_the_rows_is_named_as_the_problem(tmp_path):
    # scikit-learn's raw breast_cancer.csv starts "569,30,malignant,benign", then rows of 31 fields
    path = tmp_path / "breast_cancer.csv"
    path.write_text(
        "3,4,malignant,benign\n" + "\n".join(",".join(["1.5"] * 4 + [str(i % 2)]) for i in range(3)) + "\n"
    )
    with pytest.raises(ValueError, match="line 1 a title or a line of counts"):
        tg.datasets.load_csv(path)


# --- columns that identify rows: the command line leaves them out ----------------------------------


def test_a_pandas_index_column_is_left_out_of_the_features(tmp_path, capsys):
    # DataFrame.to_csv() writes the index first, with no name; on a file sorted by class it leaks the label
    path = tmp_path / "iris.csv"
    rng = np.random.default_rng(0)
    lines = [",a,b,species"] + [
        f"{i},{rng.normal():.3f},{rng.normal():.3f},{'xyz'[i // 10]}" for i in range(30)
    ]
    path.write_text("\n".join(lines) + "\n")
    data = cli._load_csv_data(csv_options(path, target="species"), seed=0)
    assert data.train[0].shape[1] == 2 and data.test[0].shape[1] == 2
    assert "the column with no name is left out" in capsys.readouterr().err


def test_a_row_number_column_is_left_out_also_in_the_test_file(tmp_path, capsys):
    # statsmodels' spector.csv and longley.csv number their rows in an OBS column
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("OBS,x,y\n" + "".join(f"{i + 1},{i % 7},{i % 2}\n" for i in range(20)))
    test.write_text("OBS,x,y\n" + "".join(f"{i + 1},{i % 5},{i % 2}\n" for i in range(6)))
    data = cli._load_csv_data(csv_options(train, target="y", test_csv=str(test)), seed=0)
    np.testing.assert_array_equal(data.train[0][:, 0], [i % 7 for i in range(20)])
    np.testing.assert_array_equal(data.test[0][:, 0], [i % 5 for i in range(6)])
    assert "'OBS' is left out of the features: it counts the rows (1, 2, ..., 20)" in capsys.readouterr().err


def test_a_numeric_column_that_does_not_count_the_rows_stays(tmp_path, capsys):
    path = tmp_path / "t.csv"
    shuffled = np.random.default_rng(0).permutation(20) + 1  # ids of shuffled rows: not a row number
    path.write_text("id,x,y\n" + "".join(f"{shuffled[i]},{i % 3},{i % 2}\n" for i in range(20)))
    data = cli._load_csv_data(csv_options(path, target="y"), seed=0)
    assert data.train[0].shape[1] == 2
    assert "left out" not in capsys.readouterr().err


def test_a_date_on_every_row_is_left_out_and_new_dates_in_the_test_file_are_no_error(tmp_path, capsys):
    # vega_datasets' seattle-weather.csv: date,precipitation,temp_max,temp_min,wind,weather
    def write(path, first_day, rows):
        days = np.datetime64("2012-01-01") + np.arange(first_day, first_day + rows)
        lines = ["date,precipitation,wind,weather"]
        lines += [f"{day},{i % 5 * 1.5},{i % 3},{'rain' if i % 5 else 'sun'}" for i, day in enumerate(days)]
        path.write_text("\n".join(lines) + "\n")

    train, test = tmp_path / "weather.csv", tmp_path / "weather_test.csv"
    write(train, 0, 60)
    write(test, 60, 10)
    data = cli._load_csv_data(csv_options(train, target="weather", test_csv=str(test)), seed=0)
    assert data.train[0].shape == (60, 2) and data.test[0].shape == (10, 2)
    assert (
        "'date' is left out of the features: its 60 distinct text values in 60 rows"
        in capsys.readouterr().err
    )


def test_a_text_column_with_few_categories_is_still_one_hot(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("colour,x,y\n" + "".join(f"{'rgb'[i % 3]},{i % 4},{i % 2}\n" for i in range(30)))
    data = cli._load_csv_data(csv_options(path, target="y"), seed=0)
    assert data.train[0].shape[1] == 4
    assert "left out" not in capsys.readouterr().err


def test_a_count_target_with_two_rows_a_value_warns_to_pass_task_regression(tmp_path, capsys):
    # scikit-learn's linnerud: 17 distinct jump counts in 20 rows
    path = tmp_path / "linnerud.csv"
    path.write_text(
        "chins,situps,jumps\n" + "".join(f"{i % 9},{100 + 7 * i},{30 + 3 * (i % 17)}\n" for i in range(20))
    )
    cli._load_csv_data(csv_options(path, target="jumps"), seed=0)
    assert "pass --task regression" in capsys.readouterr().err


# --- the model the command line trains ---------------------------------------------------------------


def test_the_command_lines_mlp_starts_as_a_pytorch_mlp_does():
    tg.manual_seed(0)
    model = cli.build_model(13, "64,32", 3, 0.1)
    linears = [layer for layer in model if isinstance(layer, tg.nn.Linear)]
    assert [tuple(layer.weight.shape) for layer in linears] == [(64, 13), (32, 64), (3, 32)]
    for layer in linears:  # U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias, as torch.nn.Linear
        bound = 1 / np.sqrt(layer.in_features)
        for values in (layer.weight.numpy(), layer.bias.numpy()):
            assert np.abs(values).max() <= bound and np.abs(values).max() > 0.8 * bound


def penguins_like(path, rows: int = 90, seed: int = 0) -> None:
    """palmerpenguins' penguins.csv: target first, text columns, NA values, an id column."""
    rng = np.random.default_rng(seed)
    species = ["Adelie", "Chinstrap", "Gentoo"]
    lines = ['"rowid","species","island","bill_length_mm","body_mass_g","sex"']
    for i in range(rows):
        kind = i % 3
        bill = "NA" if i == 7 else f"{38 + 6 * kind + rng.normal():.1f}"
        sex = "NA" if i in (3, 11) else rng.choice(["male", "female"])
        island, mass = (
            ["Torgersen", "Dream", "Biscoe"][kind],
            3500 + 500 * (kind == 2) + int(rng.normal(0, 300)),
        )
        lines.append(f'"{i + 1}","{species[kind]}","{island}",{bill},{mass},"{sex}"')
    path.write_text("\n".join(lines) + "\n")


def test_a_penguins_like_table_trains_well_reproducibly_and_the_saved_run_predicts_the_same(tmp_path, capsys):
    path = tmp_path / "penguins.csv"
    penguins_like(path)
    assert main(["train", "--csv", str(path), "--target", "species", *QUICK]) == 2  # NA: an error ...
    assert "--missing drop skips them" in capsys.readouterr().err  # ... naming the option that fixes it
    args = ["train", "--csv", str(path), "--target", "species", "--missing", "drop", "--epochs", "15", *QUICK]
    save = tmp_path / "run.npz"
    assert main([*args, "--save", str(save)]) == 0
    out, err = capsys.readouterr()
    first = last_json(out)
    assert "'rowid' is left out" in err
    assert first["test_accuracy"] >= 0.9
    assert set(first["class_accuracy"]) == {"Adelie", "Chinstrap", "Gentoo"}
    assert main(args) == 0  # the same seed: the same run
    assert last_json(capsys.readouterr().out)["test_loss"] == first["test_loss"]
    assert main(["train", "--resume", str(save), "--quiet", "--json"]) == 0  # reloaded: evaluated only
    assert last_json(capsys.readouterr().out)["test_loss"] == pytest.approx(first["test_loss"], rel=1e-6)


def test_an_aligned_regression_table_trains_with_fit_and_a_reloaded_model_predicts_the_same(tmp_path):
    x, y = aligned_table(rows=120, seed=1)
    path = tmp_path / "table.txt"
    write_aligned(path, x, y, header="'a' 'b' 'c' 'target'")
    features, target = tg.datasets.load_csv(path, target="target", delimiter="auto")
    assert target.dtype == np.float32  # decimals: a regression
    scale = Standardizer().fit(features)
    inputs, outputs = scale.transform(features), (target - target.mean()) / target.std()
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(3, 16), tg.nn.ReLU(), tg.nn.Linear(16, 1))
    loader = DataLoader(TensorDataset(inputs, outputs.reshape(-1, 1)), batch_size=16, shuffle=True, seed=0)
    history = tg.fit(
        model, tg.nn.MSELoss(), tg.optim.Adam(model.parameters(), lr=0.01), loader, epochs=40, verbose=False
    )
    assert history.history["loss"][-1] < 0.05  # of the standardised target's variance 1
    tg.save(model.state_dict(), tmp_path / "model.npz")
    again = tg.nn.Sequential(tg.nn.Linear(3, 16), tg.nn.ReLU(), tg.nn.Linear(16, 1))
    again.load_state_dict(tg.load(tmp_path / "model.npz"))
    np.testing.assert_array_equal(tg.predict(again, inputs), tg.predict(model, inputs))


def test_dropping_most_rows_for_a_column_of_notes_warns_naming_the_column(tmp_path, capsys):
    # palmerpenguins' penguins-raw.csv: a Comments column empty on 290 of 344 rows
    path = tmp_path / "raw.csv"
    notes = ["", "NA", "", "", "Not enough blood", "", "Adult", ""]
    path.write_text("x,notes,y\n" + "".join(f"{i % 5},{notes[i % 8]},{i % 3}\n" for i in range(40)))
    with pytest.warns(
        UserWarning, match=r"dropped 30 of 40 rows; column 'notes' .* ignore=\['notes'\] keeps"
    ):
        x, y = tg.datasets.load_csv(path, missing="drop", categorical="onehot")
    assert x.shape == (10, 3)
    data = cli._load_csv_data(csv_options(path, missing="drop", test_fraction=0.2), seed=0)
    assert data.train[0].shape[0] + data.test[0].shape[0] == 10
    err = capsys.readouterr().err
    assert "--missing drop dropped 30 of 40 rows; column 'notes'" in err
    assert "--ignore 'notes' keeps those rows" in err


def test_the_command_line_names_a_space_delimiter_space(tmp_path, capsys):
    x, y = aligned_table(rows=30)
    path = tmp_path / "housing.data"
    write_aligned(path, x, y)
    data = cli._load_csv_data(csv_options(path, delimiter=cli._delimiter("space"), task="regression"), seed=0)
    assert data.regression and data.train[0].shape[1] == 3
