# Slides "Learning XOR Function" with LM and with GLM: neither can learn XOR.
# Run alone: Rscript rsrc/lecture_xor.R
# Sections (`## ---- label`, knitr's convention for external code) are what the
# deck shows, one per slide; the deck runs each section as it shows it.

## ---- xor-data
xor_data <- data.frame(
  X1 = c(0, 0, 1, 1),
  X2 = c(0, 1, 0, 1),
  Y = c(0, 1, 1, 0)
)

## ---- xor-lm
xor_lm_fit <- lm(Y ~ X1 + X2, data = xor_data)
summary(xor_lm_fit)

## ---- xor-lm-pred
xor_lm_pred <- predict(xor_lm_fit, newdata = xor_data)
xor_lm_pred

## ---- xor-glm
xor_glm_fit <- glm(Y ~ X1 + X2, data = xor_data, family = binomial(link = "logit"))
summary(xor_glm_fit)

## ---- xor-glm-pred
xor_glm_pred <- predict(xor_glm_fit, newdata = xor_data, type = "response")
xor_glm_pred
