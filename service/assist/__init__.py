"""The assistant's edge: providers that combine the pure rules with search, models and IO."""
