"""The Keras models: their architectures, training, inference and the devices they run on."""
