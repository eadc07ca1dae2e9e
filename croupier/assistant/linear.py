"""A linear classifier with a calibrated softmax: LinearSVC margins divided by a learned temperature.

The temperature is fitted on out-of-fold margins (cross-validation on the training data), so a
confidence of 0.8 means "right about 8 times in 10" on data like the training data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

CALIBRATION_FOLDS = 3


class LinearHead:
    def __init__(self, classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray, temperature: float):
        self.classes = list(classes)
        self.coef = coef.astype(np.float32)
        self.intercept = intercept.astype(np.float32)
        self.temperature = float(temperature)
        self._coef_t = np.ascontiguousarray(self.coef.T)

    @classmethod
    def fit(cls, X: sp.csr_matrix, labels: Sequence[str], c: float, seed: int = 0) -> LinearHead:
        # Training only: a loaded model classifies without scikit-learn in memory.
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.svm import LinearSVC

        classes, y = np.unique(np.asarray(labels), return_inverse=True)
        if len(classes) < 2:
            raise ValueError("at least two different labels are needed to train a classifier")
        svc = LinearSVC(C=c).fit(X, y)
        folds = StratifiedKFold(n_splits=max(2, min(CALIBRATION_FOLDS, int(np.bincount(y).min()))), shuffle=True, random_state=seed)
        margins = cross_val_predict(LinearSVC(C=c), X, y, cv=folds, method="decision_function")
        return cls(classes, *_two_sided(svc.coef_, svc.intercept_), temperature=fit_temperature(_columns(margins), y))

    def margins(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self._coef_t) + self.intercept

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        return softmax(self.margins(X) / self.temperature)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(margins: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of the true classes."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        return float(-np.log(softmax(margins / np.exp(log_t))[rows, y] + 1e-12).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-6.0, 3.0), method="bounded").x))


def _columns(margins: np.ndarray) -> np.ndarray:
    """Binary LinearSVC gives one margin per row: make it one per class."""
    return np.column_stack([-margins, margins]) if margins.ndim == 1 else margins


def _two_sided(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if coef.shape[0] == 1:
        return np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return coef, intercept
