"""An LSTM and a small Transformer encoder learn a task that needs memory, on sequences of
different lengths.

The task: a sequence of 4 to 16 tokens (1..9; 0 pads the short ones); has its last token been
seen before in it? Half of the sequences say yes, so guessing scores 50%. The LSTM reads left to
right and must remember which tokens it has met (in its cell state) until the last one arrives;
the Transformer lets the last position look back at every other one (attention).

Teaches: ``nn.Embedding`` with ``padding_idx``; ``nn.utils.rnn.pack_padded_sequence``, so that the
LSTM stops at each sequence's own end and ``h_n`` is its state after the last real token;
``nn.TransformerEncoder`` with learned positions and ``src_key_padding_mask`` that hides the
padding; and a PyTorch-style training loop with Adam. Prints each model's test accuracy.
Run: python examples/sequence_models.py [--epochs 10] [--samples 4000] [--test-samples 1000]
"""

import argparse
import time

import numpy as np

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.data import DataLoader, TensorDataset

VOCABULARY, PAD, MIN_LENGTH, MAX_LENGTH = 10, 0, 4, 16


def make_sequences(samples: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded tokens (N, MAX_LENGTH) int64, lengths (N,) and labels (N,): 1 when the last token
    appeared earlier. A "no" sequence never has its last token before; a "yes" one has it once."""
    rng = np.random.default_rng(seed)
    tokens = np.full((samples, MAX_LENGTH), PAD, dtype=np.int64)
    lengths = rng.integers(MIN_LENGTH, MAX_LENGTH + 1, size=samples)
    labels = rng.integers(0, 2, size=samples)
    for row, (length, label) in enumerate(zip(lengths, labels)):
        last = rng.integers(1, VOCABULARY)
        others = [token for token in range(1, VOCABULARY) if token != last]
        before = rng.choice(others, size=length - 1)
        if label:
            before[rng.integers(length - 1)] = last
        tokens[row, :length] = [*before, last]
    return tokens, lengths.astype(np.int64), labels.astype(np.int64)


class LSTMClassifier(nn.Module):
    def __init__(self, embedding_dim: int = 16, hidden_size: int = 64) -> None:
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, embedding_dim, padding_idx=PAD)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 2)

    def forward(self, tokens: tg.Tensor, lengths: tg.Tensor) -> tg.Tensor:
        # Packing drops the padding: each sequence runs for its own length, and h_n holds the state
        # after its last real token (in the batch's order, as enforce_sorted=False restores it).
        embedded = self.embedding(tokens)
        packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)  # h_n: (num_layers, batch, hidden_size)
        return self.head(h_n[-1])


class TransformerClassifier(nn.Module):
    def __init__(self, d_model: int = 32, nhead: int = 4, num_layers: int = 2) -> None:
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, d_model, padding_idx=PAD)
        self.position = nn.Embedding(MAX_LENGTH, d_model)  # attention alone cannot tell order
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.head = nn.Linear(d_model, 2)

    def forward(self, tokens: tg.Tensor, lengths: tg.Tensor) -> tg.Tensor:
        positions = tg.arange(tokens.shape[1])
        hidden = self.encoder(
            self.embedding(tokens) + self.position(positions),
            src_key_padding_mask=tokens == PAD,  # True = padding: no position attends to it
        )
        last = hidden[tg.arange(len(tokens)), lengths - 1]  # each sequence's last real position
        return self.head(last)


def accuracy(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct = 0
    with tg.no_grad():
        for tokens, lengths, labels in loader:
            correct += (model(tokens, lengths).argmax(1) == labels).sum().item()
    model.train()
    return correct / len(loader.dataset)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--samples", type=int, default=4000, help="training sequences")
    parser.add_argument("--test-samples", type=int, default=1000, help="test sequences (another seed)")
    args = parser.parse_args()

    tg.manual_seed(0)
    train = TensorDataset(*make_sequences(args.samples, seed=0))
    test_tokens, test_lengths, test_labels = make_sequences(args.test_samples, seed=1)
    test = TensorDataset(test_tokens, test_lengths, test_labels)
    train_loader = DataLoader(train, batch_size=64, shuffle=True, seed=0)
    test_loader = DataLoader(test, batch_size=500)
    for row in range(2):
        sequence = test_tokens[row, : test_lengths[row]].tolist()
        print(f"a test sequence: {sequence} -> label {test_labels[row]}")

    # The LSTM gets the larger step: at 3e-3 it learns too, but more slowly.
    for model, lr in ((LSTMClassifier(), 1e-2), (TransformerClassifier(), 3e-3)):
        optimizer = tg.optim.Adam(model.parameters(), lr=lr)
        start = time.perf_counter()
        for _ in range(args.epochs):
            for tokens, lengths, labels in train_loader:
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(tokens, lengths), labels)
                loss.backward()
                optimizer.step()
        seconds = time.perf_counter() - start
        print(
            f"{type(model).__name__}: test accuracy {accuracy(model, test_loader):.4f} "
            f"(last batch loss {loss.item():.4f}; {args.epochs} epochs in {seconds:.1f} s)"
        )


if __name__ == "__main__":
    main()
